package io.netlab.client.cli;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileChunk;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileHeader;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per exit code of the client, run in this JVM through {@link NetlabClient#commandLine()}. */
class ExitCodesTest {
    @TempDir
    Path tmp;
    private Path root;
    private RunningServer server;
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private String err;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(root.resolve("a.txt"), "hello\n");
        server = FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).threads(1).root(root)
                .maxBlockSize(4096).maxConnections(4).shutdownGrace(Duration.ZERO).start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        server.close();
    }

    /** Runs the client; keeps what it wrote on standard error in {@link #err}. */
    private int client(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try (PrintStream e = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
             PrintStream o = new PrintStream(OutputStream.nullOutputStream())) {
            System.setErr(e);
            System.setOut(o);
            int code = NetlabClient.commandLine().setErr(new PrintWriter(usage, true)).execute(args);
            err = errBytes.toString(StandardCharsets.UTF_8) + usage;
            return code;
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private String at(int port, String path) {
        return "127.0.0.1:" + port + ':' + path;
    }

    private String local(String name) {
        return tmp.resolve(name).toString();
    }

    /** A raw TCP server on 127.0.0.1 that runs {@code script} on each connection, in its own thread. */
    private int raw(Consumer<Socket> script) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        closeLater.add(listener);
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    closeLater.add(s);
                    script.accept(s);
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return listener.getLocalPort();
    }

    private static void readRequest(Socket s) {
        try {
            s.getInputStream().read(new byte[256]);
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static byte[] encode(Object... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        ch.writeOutbound(frames);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    @Test
    void done0() {
        assertThat(client(at(server.localAddress().getPort(), "a.txt"), local("a.txt"))).as(err).isEqualTo(0);
    }

    @Test
    void badCommandLine2() {
        assertThat(client(at(server.localAddress().getPort(), "a.txt"))).isEqualTo(2);
        assertThat(err).contains("missing LOCAL_PATH");
    }

    @Test
    void tlsOptionsAreChecked2() {
        int port = server.localAddress().getPort();
        assertThat(client("--tls-ca", "ca.pem", at(port, "a.txt"), local("a.txt"))).isEqualTo(2);
        assertThat(err).startsWith("netlab-client: --tls-ca without --tls (expected: --tls too)\n");
        assertThat(client("--tls", "--tls-fingerprint", "SHA256:12", at(port, "a.txt"), local("a.txt"))).isEqualTo(2);
        assertThat(err).startsWith("netlab-client: --tls-fingerprint: SHA256:12 (expected: SHA256: and 64 hex digits");
        assertThat(client("--tls", "--tls-ca", local("none.pem"), at(port, "a.txt"), local("a.txt"))).isEqualTo(2);
        assertThat(err).startsWith("netlab-client: --tls-ca: cannot read " + local("none.pem") + "\n");
        assertThat(client("sum", "--tls-fingerprint", "x", "127.0.0.1:" + port, "--name", "A", "--number", "1"))
                .isEqualTo(2);
        assertThat(err).startsWith("netlab-client: --tls-fingerprint without --tls");
    }

    @Test
    void aTlsClientOnAPlainServerSaysSo() {
        assertThat(client("--tls", at(server.localAddress().getPort(), "a.txt"), local("a.txt"))).isEqualTo(12);
        assertThat(err).isEqualTo("netlab-client: the server at 127.0.0.1:" + server.localAddress().getPort()
                + " does not speak TLS (it answered in plain text): try without --tls\n");
    }

    @Test
    void cannotConnectOrResolve3() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        assertThat(client(at(closed, "a.txt"), local("x"))).isEqualTo(3);
        assertThat(err).contains("connection refused");
        assertThat(client("no-such-host.invalid:9:a.txt", local("x"))).isEqualTo(3);
        assertThat(err).contains("unknown host: no-such-host.invalid");
    }

    @Test
    void timedOut4() throws IOException {
        int silent = raw(s -> { });
        assertThat(client("--timeout", "1", at(silent, "a.txt"), local("x"))).isEqualTo(4);
        assertThat(err).contains("no data from server for 1 s");
    }

    @Test
    void connectionLost5() throws IOException {
        int closing = raw(s -> {
            readRequest(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        });
        assertThat(client(at(closing, "a.txt"), local("x"))).isEqualTo(5);
        assertThat(err).contains("the server closed the connection without answering");
    }

    @Test
    void notFound6() throws IOException {
        Files.createDirectories(root.resolve("dir"));
        assertThat(client(at(server.localAddress().getPort(), "nope.txt"), local("x"))).isEqualTo(6);
        assertThat(err).contains("[NOT_FOUND]");
        assertThat(client(at(server.localAddress().getPort(), "dir"), local("x"))).isEqualTo(6);
        assertThat(err).contains("[NOT_A_FILE]");
    }

    @Test
    void accessDenied7() {
        assertThat(client(at(server.localAddress().getPort(), "../secret"), local("x"))).isEqualTo(7);
        assertThat(err).contains("[ACCESS_DENIED]");
    }

    @Test
    void busy8() throws Exception {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
            held.add(s);
            closeLater.add(s);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connectionCount() < 4 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(client(at(server.localAddress().getPort(), "a.txt"), local("x"))).isEqualTo(8);
        assertThat(err).contains("[BUSY]");
    }

    @Test
    void refusedForAnotherReason9() {
        assertThat(client("--block-size", "8192", at(server.localAddress().getPort(), "a.txt"), local("x"))).isEqualTo(9);
        assertThat(err).contains("[BAD_REQUEST]");
    }

    @Test
    void integrityFailure10() throws IOException {
        byte[] answer = encode(new FileHeader(FileHeader.Status.OK, 4, 0, 1024, DigestAlgorithm.CRC32C),
                new FileChunk(Unpooled.copiedBuffer("abcd", StandardCharsets.US_ASCII)),
                new FileEnd(4, DigestAlgorithm.CRC32C, new byte[] {1, 2, 3, 4}));
        int lying = raw(s -> {
            readRequest(s);
            try {
                s.getOutputStream().write(answer);
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // the client went away
            }
        });
        assertThat(client(at(lying, "a.txt"), local("x"))).isEqualTo(10);
        assertThat(err).contains("checksum mismatch");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void localFileError11() throws IOException {
        Files.writeString(tmp.resolve("exists.txt"), "mine");
        assertThat(client(at(server.localAddress().getPort(), "a.txt"), local("exists.txt"))).isEqualTo(11);
        assertThat(err).contains("destination exists");
    }

    @Test
    void protocolError12() throws IOException {
        int http = raw(s -> {
            readRequest(s);
            try {
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                in.read();
            } catch (IOException ignored) {
                // the client went away
            }
        });
        assertThat(client(at(http, "a.txt"), local("x"))).isEqualTo(12);
        assertThat(err).contains("protocol error");
    }

    /** A writable server beside the read-only one: uploads up to 100 bytes, none replaced. */
    private RunningServer writable() throws Exception {
        RunningServer w = FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).threads(1).root(root)
                .writable(true).maxUpload(100).minFreeSpace(0).shutdownGrace(Duration.ZERO).start();
        closeLater.add(w);
        return w;
    }

    @Test
    void putToAReadOnlyServerIsAccessDenied7() throws Exception {
        Path file = Files.writeString(tmp.resolve("up.txt"), "up");
        assertThat(client("put", file.toString(), at(server.localAddress().getPort(), "up.txt"))).as(err).isEqualTo(7);
        assertThat(err).contains("server is read-only (started without --writable) [ACCESS_DENIED]");
    }

    @Test
    void putOfAnExistingNameIsAlreadyExists13() throws Exception {
        Path file = Files.writeString(tmp.resolve("a.txt"), "other");
        assertThat(client("put", file.toString(), at(writable().localAddress().getPort(), "a.txt"))).as(err).isEqualTo(13);
        assertThat(err).contains("a.txt: exists on the server (expected: a new name, or put --overwrite) [ALREADY_EXISTS]");
        assertThat(Files.readString(root.resolve("a.txt"))).isEqualTo("hello\n");
    }

    @Test
    void putOverTheMaximumIsTooLarge14() throws Exception {
        Path file = Files.write(tmp.resolve("big.bin"), new byte[101]);
        assertThat(client("put", file.toString(), at(writable().localAddress().getPort(), "big.bin"))).as(err)
                .isEqualTo(14);
        assertThat(err).contains("size: 101 (expected: <= 100, --max-upload) [TOO_LARGE]");
    }

    @Test
    void putRecursiveSendsATree0() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(tree.resolve("s.txt"), "s");
        Files.writeString(tree.getParent().resolve("t.txt"), "t");
        int port = writable().localAddress().getPort();
        assertThat(client("put", "-r", tree.getParent().toString(), at(port, "up/"))).as(err).isZero();
        assertThat(Files.readString(root.resolve("up/tree/sub/s.txt"))).isEqualTo("s");
        assertThat(Files.readString(root.resolve("up/tree/t.txt"))).isEqualTo("t");
        assertThat(client("put", tree.getParent().toString(), at(port, "x"))).isEqualTo(11);
        assertThat(err).contains("is a directory (expected: a file; put -r sends a directory)");
    }

    @Test
    void putWithDigestNoneIsABadCommandLine2() throws Exception {
        Path file = Files.writeString(tmp.resolve("n.txt"), "n");
        assertThat(client("put", "--digest", "none", file.toString(), at(server.localAddress().getPort(), "n.txt")))
                .isEqualTo(2);
        assertThat(err).contains("--digest: none (expected: crc32c or sha256");
    }

    @Test
    void everyCodeIsListedByHelp() {
        StringWriter out = new StringWriter();
        assertThat(NetlabClient.commandLine().setOut(new PrintWriter(out, true)).execute("--help")).isZero();
        for (int code = 0; code <= ExitCodes.TOO_LARGE; code++) {
            assertThat(out.toString()).containsPattern("(?m)^ +" + code + " {2,}\\S");
        }
    }
}
