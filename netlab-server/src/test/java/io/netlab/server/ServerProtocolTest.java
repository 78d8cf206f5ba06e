package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.server.cli.LabDisplay;
import io.netlab.codec.FileConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The servers over real sockets, driven by a raw client that sends what a real client never would. */
class ServerProtocolTest {
    @TempDir
    Path root;
    RunningServer server;

    /** On 127.0.0.1, an ephemeral port, 2 threads, 5 s idle, 0.5 s to send a request, 1 s of grace. */
    private static <B extends ServerBuilder<B>> B local(B builder, Transport transport) throws Exception {
        return builder.bind(InetAddress.getByName("127.0.0.1")).transport(transport).threads(2)
                .idleTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofMillis(500))
                .shutdownGrace(Duration.ofSeconds(1));
    }

    private RunningServer fileServer(Transport transport) throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        server = local(FileServer.builder(), transport).root(root).maxBlockSize(FileConstants.MAX_BLOCK_SIZE).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void servesAFileAsHeaderDataEnd(Transport transport) throws Exception {
        fileServer(transport);
        assertThat(server.transport().toString()).isEqualTo(transport.toString());
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("hello.txt", 4, 0, 1));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            RawClient.Frame f;
            while ((f = c.readFrame()).type() == RawClient.TYPE_FILE_DATA) {
                assertThat(f.body().length).isBetween(1, 4);
                data.write(f.body());
            }
            assertThat(f.type()).isEqualTo(RawClient.TYPE_FILE_END);
            assertThat(data.toString(StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
            c.send(RawClient.fileRequest("hello.txt", 1024, 0, 1));      // the connection takes the next request
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        }
    }

    @Test
    void httpRequestToANetlabOnlyServerGetsAnErrorFrameAndOthersAreStillServed() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        server = local(FileServer.builder(), Transport.AUTO).root(root).protocols(java.util.EnumSet.of(FileProtocol.NETLAB))
                .start();
        try (RawClient http = new RawClient(server.localAddress());
             RawClient good = new RawClient(server.localAddress())) {
            http.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawClient.Frame f = http.readFrame();
            assertThat(f.type()).isEqualTo(RawClient.TYPE_ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.ILLEGAL_OPERATION.code());
            assertThat(f.errorMessage()).contains("not a netlab peer, this looks like an HTTP request (GET /hello.txt); received \"GET /hello.txt");
            assertThat(http.closedByServer()).isTrue();

            good.send(RawClient.fileRequest("hello.txt", 1024, 0, 0));
            assertThat(good.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        }
    }

    @Test
    void hugeLengthUnknownTypeAndWrongVersionGetSpecificErrors() throws Exception {
        fileServer(Transport.AUTO);
        byte[][] bad = {
            {'N', 'L', 1, 0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            {'N', 'L', 1, 0x55, 0, 0, 0, 0},
            {'N', 'L', 2, 0x10, 0, 0, 0, 0},
            {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00},
        };
        String[] expected = {"FILE_REQUEST (0x10) length: 4294967295 (expected: <= 4111)",
            "type: unknown (0x55) (expected: one of FILE_REQUEST (0x10), LIST_REQUEST (0x14), PUT_REQUEST (0x18))", "version: 2 (expected: 1)",
            "this looks like a TLS handshake"};
        int[] codes = {ErrorCode.ILLEGAL_OPERATION.code(), ErrorCode.ILLEGAL_OPERATION.code(),
            ErrorCode.UNSUPPORTED.code(), ErrorCode.ILLEGAL_OPERATION.code()};
        for (int i = 0; i < bad.length; i++) {
            try (RawClient c = new RawClient(server.localAddress())) {
                c.send(bad[i]);
                RawClient.Frame f = c.readFrame();
                assertThat(f.type()).isEqualTo(RawClient.TYPE_ERROR);
                assertThat(f.errorMessage()).contains(expected[i]);
                assertThat(f.errorCode()).isEqualTo(codes[i]);
                assertThat(c.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void badBlockSizesAndOffsetsAreRefused() throws Exception {
        fileServer(Transport.AUTO);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("hello.txt", 0, 0, 1));
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST.code());
            assertThat(f.errorMessage()).isEqualTo("blockSize: 0 (expected: 1..16777216)");
        }
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("hello.txt", -1, 0, 1));
            assertThat(c.readFrame().errorMessage()).isEqualTo("blockSize: 4294967295 (expected: 1..16777216)");
        }
        // hello.txt has 13 bytes: 13 is a resume with nothing left to send, 14 is beyond the end
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("hello.txt", 1024, 14, 1));
            RawClient.Frame f = c.readFrame();
            assertThat(f.type()).isEqualTo(RawClient.TYPE_ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.OUT_OF_RANGE.code());
            assertThat(f.errorMessage()).isEqualTo("offset: 14 (expected: 0..13, the size of hello.txt)");
            c.send(RawClient.fileRequest("hello.txt", 1024, 0, 1));      // the connection takes the next request
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        }
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("hello.txt", 1024, Long.MIN_VALUE, 1));
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST.code());
            assertThat(f.errorMessage()).isEqualTo("offset: -9223372036854775808 (expected: >= 0)");
        }
    }

    /**
     * A request with an offset gets a PARTIAL header, the bytes from the offset on, and a FILE_END whose total counts
     * the bytes sent and whose digest covers the whole file (docs/protocol.md), in both send modes and every digest.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0,1,BUFFERED", "5,1,BUFFERED", "5,2,SENDFILE", "12,1,SENDFILE",
        "13,1,BUFFERED", "13,2,BUFFERED", "7,0,BUFFERED", "3000000,1,BUFFERED", "3000000,2,SENDFILE"})
    void anOffsetResumesAndTheEndDigestCoversTheWholeFile(long offset, int digest, io.netlab.codec.SendMode mode)
            throws Exception {
        byte[] big = new byte[5_000_000];
        new java.util.Random(5).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        server = local(FileServer.builder(), Transport.AUTO).root(root).sendMode(mode).start();
        String name = offset > 13 ? "big.bin" : "hello.txt";
        byte[] whole = Files.readAllBytes(root.resolve(name));
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest(name, 65536, offset, digest));
            java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(c.readFrame().body());
            assertThat(h.get()).as("status").isEqualTo((byte) (offset == 0 ? 0 : 1));
            assertThat(h.getLong()).as("size").isEqualTo(whole.length);
            assertThat(h.getLong()).as("offset").isEqualTo(offset);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            RawClient.Frame f;
            while ((f = c.readFrame()).type() == RawClient.TYPE_FILE_DATA) {
                data.write(f.body());
            }
            assertThat(f.type()).isEqualTo(RawClient.TYPE_FILE_END);
            assertThat(data.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(whole, (int) offset, whole.length));
            java.nio.ByteBuffer end = java.nio.ByteBuffer.wrap(f.body());
            assertThat(end.getLong()).as("totalBytes").isEqualTo(whole.length - offset);
            assertThat(end.get()).isEqualTo((byte) digest);
            byte[] value = new byte[end.get()];
            end.get(value);
            assertThat(value).isEqualTo(digest == 0 ? new byte[0] : digest == 2
                    ? java.security.MessageDigest.getInstance("SHA-256").digest(whole) : crc32c(whole));
            c.send(RawClient.fileRequest("hello.txt", 1024, 0, 1));      // the connection takes the next request
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        }
    }

    @Test
    void aResumeRequestWithBytesBehindItIsCutOffBeforeItsHeader() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[5_000_000]);
        fileServer(Transport.AUTO);
        byte[] request = RawClient.fileRequest("big.bin", 1024, 3_000_000, 2);
        byte[] twice = java.util.Arrays.copyOf(request, request.length * 2);
        System.arraycopy(request, 0, twice, request.length, request.length);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(twice);
            assertThat(c.socket().getInputStream().read()).as("closed, not even a header").isEqualTo(-1);
        }
        try (RawClient c = new RawClient(server.localAddress())) {      // and the server goes on serving
            c.send(RawClient.fileRequest("hello.txt", 1024, 0, 1));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        }
    }

    private static byte[] crc32c(byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        return java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    }

    @Test
    void aClientThatSendsNothingIsToldAndCutOff() throws Exception {
        fileServer(Transport.AUTO);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(new byte[] {'N', 'L', 1});   // a partial header, then silence
            long start = System.nanoTime();
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.TIMEOUT.code());
            assertThat(f.errorMessage()).startsWith("no complete request within 0.5 s");
            assertThat(c.closedByServer()).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
        }
    }

    @Test
    void aTruncatedRequestFollowedByACloseLeavesTheServerServing() throws Exception {
        fileServer(Transport.AUTO);
        byte[] req = RawClient.fileRequest("hello.txt", 1024, 0, 1);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(java.util.Arrays.copyOf(req, req.length - 3));
        }
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(req);
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        }
    }

    @Test
    void sumServerRepliesAndShutsDownOnOutOfRange() throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        server = local(SumServer.builder(), Transport.AUTO).name("Server of Test").number(17).range(1, 100)
                .keepRunning(false).listener(new LabDisplay(new PrintStream(shown, true, StandardCharsets.UTF_8)))
                .start();
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.sumRequest("Ana", 25));
            RawClient.Frame f = c.readFrame();
            assertThat(f.type()).isEqualTo(RawClient.TYPE_SUM_REPLY);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f.body());
            byte[] name = new byte[b.getShort()];
            b.get(name);
            assertThat(new String(name, StandardCharsets.UTF_8)).isEqualTo("Server of Test");
            assertThat(b.getInt()).isEqualTo(17);
            assertThat(b.getLong()).isEqualTo(42L);
        }
        assertThat(shown.toString(StandardCharsets.UTF_8))
                .contains("Client name: Ana | Server name: Server of Test")
                .contains("Client number: 25 | Server number: 17 | Sum: 42");
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.sumRequest("Eve", 0));
            RawClient.Frame f = c.readFrame();
            assertThat(f.type()).isEqualTo(RawClient.TYPE_ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.OUT_OF_RANGE.code());
            assertThat(f.errorMessage()).isEqualTo("number: 0 (expected: 1..100); the server is shutting down");
        }
        server.terminationFuture().get(10, TimeUnit.SECONDS);
        assertThat(server.isStopping()).isTrue();
    }

    @Test
    void echoServerUppercasesLinesAndRefusesOverlongOnes() throws Exception {
        server = local(EchoServer.builder(), Transport.AUTO).start();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("hello world\r\nsecond ß line\n".getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("HELLO WORLD");
            assertThat(r.readLine()).isEqualTo("SECOND SS LINE");
            s.getOutputStream().write(("x".repeat(9000) + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("ERROR: line longer than 8192 bytes");
            assertThat(r.readLine()).isNull();
        }
    }

    @Test
    void echoEscapesInvalidUtf8AfterUppercasingTheText() throws Exception {
        server = local(EchoServer.builder(), Transport.AUTO).start();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(5000);
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            line.write("café ".getBytes(StandardCharsets.UTF_8));
            line.write(new byte[] {(byte) 0xff, (byte) 0xfe, ' ', (byte) 0xc3, 'x', ' '});   // bad bytes, a cut sequence
            line.write("\\xab ok\n".getBytes(StandardCharsets.UTF_8));                         // a literal \xab
            s.getOutputStream().write(line.toByteArray());
            java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            // escapes stay lower case: in an answer, a lower-case \x is always an escape
            assertThat(r.readLine()).isEqualTo("CAFÉ \\xff\\xfe \\xc3X \\XAB OK");
        }
    }

    @Test
    void shutdownWaitsForConnectionsThenClosesThem() throws Exception {
        fileServer(Transport.AUTO);
        RawClient idle = new RawClient(server.localAddress());
        idle.send(new byte[] {'N'});
        for (int i = 0; i < 500 && server.connectionCount() == 0; i++) {
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(10);   // until the server has accepted it: a connection in progress
        }
        assertThat(server.connectionCount()).isEqualTo(1);
        long start = System.nanoTime();
        server.close();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(idle.closedByServer()).isTrue();
        assertThat(ms).isLessThan(8000);
        assertThat(server.terminationFuture()).isDone();
        idle.close();
    }
}
