package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --proxy-protocol}: the PROXY protocol v1/v2 header's source address is the client's for the per-client cap,
 * BUSY answers and log lines; a connection without a valid header is refused; transfers behind the header work.
 * Raw sockets on 127.0.0.1 (headers written by hand and by Netty's encoder) and an {@code EmbeddedChannel}.
 */
@Timeout(60)
class ProxyProtocolTest {
    @TempDir
    static Path root;
    static byte[] big;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(root.resolve("small.txt"), "small\n");
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(12).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
    }

    static RunningServer server(int perClient) throws Exception {
        return FileServer.builder().root(root).bind(InetAddress.getByName("127.0.0.1")).threads(2).proxyProtocol(true)
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(1))
                .shutdownGrace(Duration.ofSeconds(1)).maxConnectionsPerClient(perClient).start();
    }

    static byte[] v1(String source, int port) {
        return ("PROXY TCP4 " + source + " 127.0.0.1 " + port + " 9000\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] v2(String source, int port) {
        HAProxyProxiedProtocol family = source.contains(":") ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
        String destination = source.contains(":") ? "::1" : "127.0.0.1";
        return encode(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, family, source, destination,
                port, 9000));
    }

    static byte[] encode(HAProxyMessage message) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf out = encoder.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
            encoder.finishAndReleaseAll();
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Reads a whole netlab transfer: the data of its FILE_DATA frames, once FILE_END has come. */
    static byte[] transfer(RawClient c) throws IOException {
        RawClient.Frame header = c.readFrame();
        if (header.type() == RawClient.TYPE_ERROR) {
            throw new IOException("error " + header.errorCode() + ": " + header.errorMessage());
        }
        assertThat(header.type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (RawClient.Frame f = c.readFrame(); f.type() != RawClient.TYPE_FILE_END; f = c.readFrame()) {
            assertThat(f.type()).isEqualTo(RawClient.TYPE_FILE_DATA);
            data.write(f.body());
        }
        return data.toByteArray();
    }

    static void awaitConnections(RunningServer server, int n) throws InterruptedException {
        for (int i = 0; i < 500 && server.connectionCount() != n; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(server.connectionCount()).isEqualTo(n);
    }

    @Test
    void transfersWorkBehindEitherHeaderAndLogTheRealAddress() throws Exception {
        try (LogCapture log = new LogCapture(FileServerHandler.class); RunningServer server = server(8)) {
            try (RawClient c = new RawClient(server.localAddress())) {
                // header and request in one write, as a proxy often sends them
                c.send(concat(v1("203.0.113.7", 40001), RawClient.fileRequest("big.bin", 65536, 0, 1)));
                assertThat(transfer(c)).isEqualTo(big);
            }
            try (RawClient c = new RawClient(server.localAddress())) {
                c.send(v2("2001:db8::5", 40002));
                TimeUnit.MILLISECONDS.sleep(50);      // the request in a later packet
                c.send(RawClient.fileRequest("small.txt", 1024, 0, 1));
                assertThat(new String(transfer(c), StandardCharsets.UTF_8)).isEqualTo("small\n");
            }
            String text = log.await("small.txt");
            assertThat(text).contains("/203.0.113.7:40001 fetching big.bin").contains("/[2001:db8:0:0:0:0:0:5]:40002 fetching small.txt");
            assertThat(text).doesNotContain("127.0.0.1");
        }
    }

    @Test
    void thePerClientCapCountsTheRealAddressAndBusyNamesIt() throws Exception {
        try (LogCapture log = new LogCapture(ConnectionLimiter.class); RunningServer server = server(2);
             RawClient a1 = new RawClient(server.localAddress());
             RawClient a2 = new RawClient(server.localAddress())) {
            // every socket comes from 127.0.0.1; only the headers tell the clients apart
            a1.send(v2("198.51.100.1", 1001));
            a2.send(v1("198.51.100.1", 1002));
            awaitConnections(server, 2);
            try (RawClient a3 = new RawClient(server.localAddress())) {
                a3.send(concat(v2("198.51.100.1", 1003), RawClient.fileRequest("small.txt", 1024, 0, 1)));
                RawClient.Frame busy = a3.readFrame();
                assertThat(busy.type()).isEqualTo(RawClient.TYPE_ERROR);
                assertThat(busy.errorMessage())
                        .isEqualTo("connections from 198.51.100.1: 3 (expected: <= 2); try again later");
                assertThat(a3.closedByServer()).isTrue();
            }
            assertThat(log.await("refused")).contains("/198.51.100.1:1003 refused: connections from 198.51.100.1: 3");
            try (RawClient b = new RawClient(server.localAddress())) {
                b.send(concat(v1("198.51.100.2", 2001), RawClient.fileRequest("small.txt", 1024, 0, 1)));
                assertThat(new String(transfer(b), StandardCharsets.UTF_8)).isEqualTo("small\n");
            }
            a1.close();
            awaitConnections(server, 1);
            try (RawClient a4 = new RawClient(server.localAddress())) {
                a4.send(concat(v2("198.51.100.1", 1004), RawClient.fileRequest("small.txt", 1024, 0, 1)));
                assertThat(new String(transfer(a4), StandardCharsets.UTF_8)).isEqualTo("small\n");
            }
        }
    }

    @Test
    void connectionsWithoutAValidHeaderAreRefused() throws Exception {
        try (LogCapture decoder = new LogCapture(ProxyHeaderDecoder.class);
             LogCapture handler = new LogCapture(ProxyHeaderHandler.class);
             RunningServer server = server(8)) {
            List<byte[]> bad = new ArrayList<>();
            bad.add(RawClient.fileRequest("small.txt", 1024, 0, 1));                           // no header at all
            bad.add("GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (byte[] b : bad) {
                try (RawClient c = new RawClient(server.localAddress())) {
                    c.send(b);
                    assertThat(c.closedByServer()).isTrue();
                }
            }
            assertThat(decoder.await("first bytes 474554")).contains("refused: no PROXY protocol header (first bytes 4e4c0110");
            try (RawClient c = new RawClient(server.localAddress())) {                           // malformed v1
                c.send("PROXY TCP4 not-an-address 127.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII));
                c.send(RawClient.fileRequest("small.txt", 1024, 0, 1));
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(handler.await("malformed")).contains("refused: malformed PROXY protocol header");
            try (RawClient c = new RawClient(server.localAddress())) {                           // silent
                c.send("PROX".getBytes(StandardCharsets.US_ASCII));
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(handler.await("within")).contains("refused: no PROXY protocol header within 1 s: closing");
            awaitConnections(server, 0);
        }
    }

    @Test
    void theLimiterSeesTheConnectionOnlyOnceTheHeaderIsRead() {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new ProxyHeaderDecoder(),
                new ProxyHeaderHandler(TimeUnit.SECONDS.toNanos(10)), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        seen.add("active " + ClientAddress.of(ctx.channel()));
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        seen.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                        ((ByteBuf) msg).release();
                    }
                });
        assertThat(seen).isEmpty();
        byte[] header = v2("192.0.2.9", 5555);
        ch.writeInbound(Unpooled.wrappedBuffer(header, 0, 5));
        assertThat(seen).isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(concat(java.util.Arrays.copyOfRange(header, 5, header.length),
                "hello".getBytes(StandardCharsets.US_ASCII))));
        assertThat(seen).containsExactly("active /192.0.2.9:5555", "hello");
        assertThat(ch.pipeline().names()).doesNotContain("ProxyHeaderDecoder#0", "ProxyHeaderHandler#0");
        ch.writeInbound(Unpooled.copiedBuffer("more", StandardCharsets.US_ASCII));
        assertThat(seen).endsWith("more");
        assertThat(ch.finishAndReleaseAll()).isFalse();

        // a LOCAL header (a proxy's own health check) leaves the connection's own address
        List<Object> local = new ArrayList<>();
        EmbeddedChannel check = new EmbeddedChannel(new ProxyHeaderDecoder(),
                new ProxyHeaderHandler(TimeUnit.SECONDS.toNanos(10)), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        local.add(ClientAddress.of(ctx.channel()));
                    }
                });
        check.writeInbound(Unpooled.wrappedBuffer(encode(new HAProxyMessage(HAProxyProtocolVersion.V2,
                HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0))));
        assertThat(local).containsExactly(check.remoteAddress());
        check.finishAndReleaseAll();
    }

    @Test
    void aLateHeaderTimesOutOnTheEventLoopTicker() {
        EmbeddedChannel ch = new EmbeddedChannel(new ProxyHeaderDecoder(),
                new ProxyHeaderHandler(TimeUnit.SECONDS.toNanos(2)));
        ch.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 1.2.3.4", StandardCharsets.US_ASCII));
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(3, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }
}
