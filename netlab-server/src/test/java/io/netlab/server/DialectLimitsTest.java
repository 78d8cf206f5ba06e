package io.netlab.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the dialects (issue 10) meet the common limits (issue 9): every dialect that the first bytes choose keeps the
 * one request timeout counted from the connection's start (with the dialect's own answer) and the same bound on what a
 * peer that never reads may cost; the echo service escapes bytes that are not UTF-8 in answers ended by a pause or a
 * half-close as in lines; and a pause while the server is not reading ends nothing. Real sockets on 127.0.0.1 (one
 * EmbeddedChannel case); every loop bounded in count and time.
 */
class DialectLimitsTest {
    private static final long MiB = 1024 * 1024;

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static <B extends ServerBuilder<B>> B local(B builder) throws Exception {
        return builder.bind(InetAddress.getByName("127.0.0.1")).threads(2).idleTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofMillis(1000)).shutdownGrace(Duration.ZERO);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.localAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketException reset) {
            // closed under a write of ours: what came before counts
        }
        return all.toByteArray();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void anHttpRequestThatNeverEndsGetsA408AtTheRequestTimeoutFromTheConnectionsStart(@TempDir Path root)
            throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello\n");
        server = local(FileServer.builder()).root(root).start();
        try (Socket s = connect()) {
            long start = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(300);                    // the detector's wait counts
            // a whole request line (HTTP is chosen), then headers that never end
            s.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(readToEnd(s.getInputStream()), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("connection: close").endsWith("408 Request Timeout: no complete request within 1.0 s\n");
            assertThat(millisSince(start)).isBetween(900L, 4000L);
        }
    }

    @Test
    void anHttpPeerThatPipelinesRequestsAndNeverReadsIsNotReadEither(@TempDir Path root) throws Exception {
        byte[] data = new byte[256 * 1024];
        new Random(5).nextBytes(data);
        Files.write(root.resolve("quarter.bin"), data);
        Files.writeString(root.resolve("hello.txt"), "hello\n");
        server = local(FileServer.builder()).root(root).start();
        byte[] request = "GET /quarter.bin HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long total = 64 * MiB;
        try (Socket hog = connect()) {
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = hog.getOutputStream();
                    byte[] block = new byte[request.length * 1000];
                    for (int i = 0; i < block.length; i += request.length) {
                        System.arraycopy(request, 0, block, i, request.length);
                    }
                    while (written.get() < total) {
                        out.write(block);
                        written.addAndGet(block.length);
                    }
                } catch (IOException closed) {
                    // the test closes the socket under a blocked write
                }
            }, "http-never-reads");
            writer.start();
            long maxQueued = 0;
            long maxHeld = 0;
            long last = -1;
            long stuckSince = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (writer.isAlive() && System.nanoTime() < deadline) {
                maxQueued = Math.max(maxQueued, BoundedMemoryTest.queuedBytes(server));
                maxHeld = Math.max(maxHeld, BoundedMemoryTest.heldRequests(server));
                long now = written.get();
                if (now != last) {
                    last = now;
                    stuckSince = System.nanoTime();
                } else if (System.nanoTime() - stuckSince > TimeUnit.SECONDS.toNanos(1)) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
            try (Socket other = connect()) {          // meanwhile, another client is served, over HTTP too
                other.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(readToEnd(other.getInputStream()), StandardCharsets.UTF_8)).endsWith("\r\n\r\nhello\n");
            }
            assertThat(written.get()).as("bytes of requests the server took in before it stopped reading").isLessThan(total);
            assertThat(maxQueued).as("bytes queued on the server for the peer that never reads").isLessThan(4 * MiB);
            assertThat(maxHeld).as("requests held back, at most those of one read")
                    .isLessThanOrEqualTo(64 * 1024 / request.length + 1);
        }
    }

    @Test
    void aTextSumRequestThatNeverPausesIsClosedWithoutAReplyAtTheRequestTimeout() throws Exception {
        server = local(SumServer.builder()).name("Server of Test").number(17).keepRunning(true).start();
        try (Socket s = connect()) {
            long start = System.nanoTime();
            Thread trickle = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write("Ana".getBytes(StandardCharsets.UTF_8));     // text: the text dialect is chosen
                    for (int i = 0; i < 40; i++) {                          // a byte every 100 ms: never a pause
                        TimeUnit.MILLISECONDS.sleep(100);
                        out.write(i == 0 ? ',' : '1');
                        out.flush();
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server gave up on us, as it should (or the test is over)
                }
            }, "sum-text-trickle");
            trickle.start();
            try {
                assertThat(readToEnd(s.getInputStream())).as("the text dialect has no error form").isEmpty();
                assertThat(millisSince(start)).isBetween(900L, 3500L);
            } finally {
                trickle.interrupt();
            }
        }
    }

    @Test
    void echoEscapesBytesThatAreNotUtf8InAnswersEndedByAPauseOrAHalfClose() throws Exception {
        server = local(EchoServer.builder()).start();
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("café ".getBytes(StandardCharsets.UTF_8));
            out.write(new byte[] {(byte) 0xff, ' ', 'x', (byte) 0xc3});     // a bad byte; an unfinished character waits
            byte[] answer = new byte[1024];
            int n = s.getInputStream().read(answer);                        // after the pause, in one write
            assertThat(new String(answer, 0, n, StandardCharsets.UTF_8)).isEqualTo("CAFÉ \\xff X");
            out.write(new byte[] {(byte) 0xa9, 'z', (byte) 0xe2, (byte) 0x82});   // é completed; € cut by the half-close
            s.shutdownOutput();
            assertThat(new String(readToEnd(s.getInputStream()), StandardCharsets.UTF_8)).isEqualTo("ÉZ\\xe2\\x82");
        }
    }

    @Test
    void aPauseWhileTheServerIsNotReadingIsNoPauseOfThePeers() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoTextDecoder(64));
        channel.freezeTime();
        channel.writeInbound(Unpooled.wrappedBuffer("half a li".getBytes(StandardCharsets.UTF_8)));
        channel.config().setAutoRead(false);                 // as BackpressureHandler does while answers pile up
        channel.advanceTimeBy(5 * QuietInputDecoder.QUIET_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readInbound()).isNull();
        channel.config().setAutoRead(true);
        channel.writeInbound(Unpooled.wrappedBuffer("ne\n".getBytes(StandardCharsets.UTF_8)));
        assertThat((String) channel.readInbound()).isEqualTo("half a line\n");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aHalfCloseWaitsBehindTheRequestsHeldBackAndTheyAreStillAnswered() {
        java.util.List<Object> seen = new java.util.ArrayList<>();
        RequestTimeoutHandler requestTimeout = new RequestTimeoutHandler(TimeUnit.SECONDS.toNanos(10), t -> null, false);
        EmbeddedChannel channel = new EmbeddedChannel(requestTimeout, new BackpressureHandler(requestTimeout),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        seen.add(msg);
                    }

                    @Override
                    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                        seen.add(evt);
                    }
                });
        channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        channel.write(Unpooled.wrappedBuffer(new byte[8]));          // queued, not flushed: the peer is not reading
        assertThat(channel.isWritable()).isFalse();
        channel.writeInbound("last request");
        channel.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertThat(seen).isEmpty();                                   // both held
        channel.flush();                                              // the peer reads again
        channel.runPendingTasks();
        assertThat(seen).containsExactly("last request", io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        channel.finishAndReleaseAll();
    }

    @Test
    void theEchoAnswerEscapesAfterUpperCasingAndKeepsSupplementaryCharacters() {
        byte[] bytes = {'a', (byte) 0xf0, (byte) 0x90, (byte) 0x82, (byte) 0x80, (byte) 0x80, 'b'};   // U+10080, a stray byte
        String text = EchoTextDecoder.text(Unpooled.wrappedBuffer(bytes), 0, bytes.length);     // (heap: nothing to release)
        assertThat(EchoServerHandler.answer(text)).isEqualTo("A\uD800\uDC80\\x80B");
    }
}
