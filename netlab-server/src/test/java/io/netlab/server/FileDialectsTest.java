package io.netlab.server;

import io.netlab.codec.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The file server's three dialects on one port, over real sockets: netlab, the raw lab dialect, HTTP/1.1. */
class FileDialectsTest {
    @TempDir
    Path root;
    RunningServer server;
    byte[] big;

    @BeforeEach
    void files() throws IOException {
        big = new byte[100_003];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        Files.writeString(root.resolve("NLnotes.txt"), "a name that starts like netlab's magic\n");
        Files.writeString(root.resolve("GET me"), "a name that starts like HTTP\n");
        Files.write(root.resolve("empty.bin"), new byte[0]);
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub/é x.txt"), "inside\n");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Set<FileProtocol> protocols) throws Exception {
        server = FileServer.builder().root(root).protocols(protocols).bind(InetAddress.getByName("127.0.0.1"))
                .threads(2).requestTimeout(Duration.ofMillis(1500)).idleTimeout(Duration.ofSeconds(10))
                .shutdownGrace(Duration.ZERO).start();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
        s.setSoTimeout(5000);
        return s;
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    // ----- raw -----

    @ParameterizedTest
    @ValueSource(strings = {"newline", "crlf", "half-close", "pause"})
    void aRawRequestGetsTheBytesAndAClose(String end) throws Exception {
        start(FileProtocol.all());
        try (Socket s = connect()) {
            String name = end.equals("pause") ? "big.bin" : "sub/é x.txt";
            String suffix = switch (end) {
                case "newline" -> "\n";
                case "crlf" -> "\r\n";
                default -> "";
            };
            s.getOutputStream().write((name + suffix).getBytes(StandardCharsets.UTF_8));
            if (end.equals("half-close")) {
                s.shutdownOutput();
            }
            byte[] got = readToEnd(s.getInputStream());
            assertThat(got).isEqualTo(Files.readAllBytes(root.resolve(name)));
        }
    }

    @Test
    void namesThatStartLikeNetlabOrHttpAreRawNamesAndAnEmptyFileIsNothing() throws Exception {
        start(FileProtocol.all());
        for (String name : new String[] {"NLnotes.txt", "GET me", "empty.bin"}) {
            try (Socket s = connect()) {
                s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                assertThat(readToEnd(s.getInputStream())).isEqualTo(Files.readAllBytes(root.resolve(name)));
            }
        }
    }

    @Test
    void aRefusedRawRequestIsAnsweredWithNothingButALogLine() throws Exception {
        start(FileProtocol.all());
        Files.writeString(root.getParent().resolve("canary.txt"), "outside");
        byte[][] requests = {
            "../canary.txt".getBytes(StandardCharsets.UTF_8), "/etc/passwd\n".getBytes(StandardCharsets.UTF_8),
            "missing.bin".getBytes(StandardCharsets.UTF_8), "sub\n".getBytes(StandardCharsets.UTF_8),
            {'a', (byte) 0xff, '\n'}, ("x".repeat(5000)).getBytes(StandardCharsets.UTF_8),
        };
        String[] logged = {"refused raw request `../canary.txt`: path: ../canary.txt contains '..'",
            "refused raw request `/etc/passwd`: path: /etc/passwd is absolute", "refused raw request `missing.bin`",
            "refused raw request `sub`: sub: is a directory", "refused raw request: name: invalid UTF-8",
            "refused raw request: name: over 4096 bytes"};
        try (LogCapture log = new LogCapture(RawFileHandler.class)) {
            for (int i = 0; i < requests.length; i++) {
                try (Socket s = connect()) {
                    s.getOutputStream().write(requests[i]);
                    assertThat(readToEnd(s.getInputStream())).as(logged[i]).isEmpty();
                }
                assertThat(log.await(logged[i])).contains(logged[i]).contains("closing without an answer");
            }
        }
    }

    @Test
    void aRawNameThatNeverEndsIsCutOffAtTheRequestTimeout() throws Exception {
        start(FileProtocol.all());
        try (Socket s = connect()) {
            long start = System.nanoTime();
            for (int i = 0; i < 30 && !s.isClosed(); i++) {
                s.getOutputStream().write('a');         // a byte every 100 ms: never a pause
                Thread.sleep(100);
                if (s.getInputStream().available() < 0) {
                    break;
                }
            }
            assertThat(readToEnd(s.getInputStream())).isEmpty();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1400L, 4500L);
        } catch (IOException reset) {
            // writing after the server closed: a reset is as good
        }
    }

    // ----- narrowing -----

    @Test
    void withoutRawARawRequestGetsWhatANetlabOnlyServerSendsAndTheLogSaysWhy() throws Exception {
        start(EnumSet.of(FileProtocol.NETLAB, FileProtocol.HTTP));
        try (LogCapture log = new LogCapture(FileDialects.class);
             RawClient c = new RawClient(server.localAddress())) {
            c.send("hello.txt\n".getBytes(StandardCharsets.UTF_8));
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.ILLEGAL_OPERATION.code());
            assertThat(f.errorMessage()).isEqualTo("magic: 0x6865 (expected: 0x4e4c \"NL\"): not a netlab peer, this looks "
                    + "like a raw lab file request for `hello.txt`; received \"hello.txt\\n\" (68 65 6c 6c 6f 2e 74 78 74 0a)");
            assertThat(log.await("netlab answers")).contains("sent a raw lab file request for `hello.txt` \"hello.txt\\n\" "
                    + "(68 65 6c 6c 6f 2e 74 78 74 0a): this server speaks [netlab, http] (add raw to --protocols to serve it)");
        }
    }

    @Test
    void aServerWithoutNetlabClosesOnNetlabAndOnWhatItDoesNotSpeak() throws Exception {
        start(EnumSet.of(FileProtocol.RAW));
        try (LogCapture log = new LogCapture(FileDialects.class)) {
            try (Socket s = connect()) {
                s.getOutputStream().write(RawClient.fileRequest("hello.txt", 1024, 0, 1));
                assertThat(readToEnd(s.getInputStream())).isEmpty();
            }
            try (Socket s = connect()) {
                s.getOutputStream().write("GET /hello.txt HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEnd(s.getInputStream())).isEmpty();
            }
            assertThat(log.await("sent an HTTP")).contains(
                    "sent a netlab FILE_REQUEST (0x10) frame \"NL\\x01\\x10", "sent an HTTP request (GET /hello.txt) \"GET",
                    "this server speaks [raw] (add netlab to --protocols to serve it): closing without an answer",
                    "this server speaks [raw] (add http to --protocols to serve it): closing without an answer");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write("hello.txt".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertThat(new String(readToEnd(s.getInputStream()), StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
        }
    }

    @Test
    void aSilentConnectionIsToldInNetlabOrClosed() throws Exception {
        start(FileProtocol.all());
        try (RawClient c = new RawClient(server.localAddress())) {
            assertThat(c.readFrame().errorCode()).isEqualTo(ErrorCode.TIMEOUT.code());
        }
        server.close();
        start(EnumSet.of(FileProtocol.RAW, FileProtocol.HTTP));
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(readToEnd(s.getInputStream())).isEmpty();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1000L, 4500L);
        }
    }

    // ----- HTTP -----

    /** A parsed HTTP response. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        Map<String, String> headers = new LinkedHashMap<>();
        int status = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String l = line.toString(StandardCharsets.ISO_8859_1).strip();
            line.reset();
            if (status < 0) {
                status = Integer.parseInt(l.split(" ")[1]);
            } else if (l.isEmpty()) {
                break;
            } else {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
            }
        }
        int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Response(status, headers, in.readNBytes(length));
    }

    private Response get(Socket s, String method, String target, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) {
            req.append(h).append("\r\n");
        }
        s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        return read(s.getInputStream(), method.equals("HEAD"));
    }

    @Test
    void httpGetHeadAndRangesOnOneKeptAliveConnection() throws Exception {
        start(FileProtocol.all());
        try (Socket s = connect()) {
            Response r = get(s, "GET", "/big.bin");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(big);
            assertThat(r.headers()).containsEntry("content-length", "100003").containsEntry("accept-ranges", "bytes")
                    .containsKey("last-modified");

            r = get(s, "HEAD", "/hello.txt");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("content-length", "13")
                    .containsEntry("content-type", "text/plain; charset=utf-8");

            r = get(s, "GET", "/big.bin", "Range: bytes=100000-");
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.headers()).containsEntry("content-range", "bytes 100000-100002/100003");
            assertThat(r.body()).containsExactly(big[100000], big[100001], big[100002]);

            r = get(s, "GET", "/hello.txt", "Range: bytes=-6");
            assertThat(r.text()).isEqualTo("world\n");

            r = get(s, "GET", "/hello.txt", "Range: bytes=13-");
            assertThat(r.status()).isEqualTo(416);
            assertThat(r.headers()).containsEntry("content-range", "bytes */13");

            r = get(s, "GET", "/sub/%C3%A9%20x.txt?x=1", "Connection: close");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("inside\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);     // closed as asked
        }
    }

    @Test
    void httpRefusalsHaveAStatusAndAOneLineBodyAndNoListing() throws Exception {
        start(FileProtocol.all());
        Object[][] cases = {
            {"GET", "/missing.bin", 404, "404 Not Found: missing.bin: no such file on the server\n"},
            {"GET", "/sub", 403, "403 Forbidden: sub: is a directory (expected: a regular file); directories are not listed\n"},
            {"GET", "/", 403, "403 Forbidden: /: is a directory (expected: a file; directories are not listed)\n"},
            {"GET", "/../etc/passwd", 403, "403 Forbidden: path: ../etc/passwd contains '..'"},
            {"GET", "/%2e%2e/etc/passwd", 403, "contains '..'"},
            {"GET", "/a%5Cb", 400, "400 Bad Request: path: a\\b contains a backslash"},
            {"GET", "/%zz", 400, "400 Bad Request: /%zz: not a path"},
            {"DELETE", "/hello.txt", 405, "405 Method Not Allowed: DELETE: not allowed (expected: GET or HEAD)\n"},
        };
        try (Socket s = connect()) {
            for (Object[] c : cases) {
                Response r = get(s, (String) c[0], (String) c[1]);
                assertThat(r.status()).as((String) c[1]).isEqualTo(c[2]);
                assertThat(r.text()).as((String) c[1]).contains((String) c[3]);
                assertThat(r.headers()).containsEntry("content-type", "text/plain; charset=utf-8");
            }
            assertThat(get(s, "GET", "/hello.txt").text()).isEqualTo("hello, world\n");    // still kept alive
        }
    }

    @Test
    void httpWithoutHttpIsNetlabsErrorFrame() throws Exception {
        start(EnumSet.of(FileProtocol.NETLAB, FileProtocol.RAW));
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorMessage()).contains("not a netlab peer, this looks like an HTTP request (GET /hello.txt); received \"GET /hello.txt");
        }
    }
}
