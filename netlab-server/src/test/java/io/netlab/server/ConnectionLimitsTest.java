package io.netlab.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file server's connection caps and its resources under abuse, over raw sockets on 127.0.0.1, bounded in count
 * and time: connections over the caps answered BUSY while others are served, and thousands of failing requests
 * that leave descriptors and buffers where they were.
 */
class ConnectionLimitsTest {
    // CI size; `mvn -B verify -Psoak` (see the server pom) raises it for a long soak
    private static final int FAILING = Integer.getInteger("netlab.soak.failingRequests", 10_000);

    @TempDir
    static Path root;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(root.resolve("small.txt"), "small\n");
    }

    private static RunningServer server(int total, int perClient) throws Exception {
        return FileServer.builder().root(root).bind(InetAddress.getByName("127.0.0.1")).threads(2)
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ofSeconds(1)).maxConnections(total).maxConnectionsPerClient(perClient).start();
    }

    private static Socket connect(RunningServer server, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one frame's type and, for an ERROR, its code and message. */
    private static String readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(in.readUnsignedShort()).isEqualTo(0x4E4C);
        in.readUnsignedByte();
        int type = in.readUnsignedByte();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        if (type != 0x7F) {
            return "type " + type;
        }
        int code = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        return "error " + code + ": " + new String(body, 4, body.length - 4, StandardCharsets.UTF_8);
    }

    private static void request(Socket s, String path) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 15 + p.length);
        b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x10).putInt(15 + p.length)
                .putInt(1024).putLong(0).put((byte) 1).putShort((short) p.length).put(p);
        OutputStream out = s.getOutputStream();
        out.write(b.array());
        out.flush();
    }

    private static void awaitConnections(RunningServer server, int n) throws InterruptedException {
        for (int i = 0; i < 1000 && server.connectionCount() != n; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(server.connectionCount()).isEqualTo(n);
    }

    @Test
    @SuppressWarnings("try")    // a2 only holds a slot; a1 is closed early on purpose
    void connectionsOverTheCapsAreAnsweredBusyAndOthersAreServed() throws Exception {
        try (RunningServer server = server(3, 2);
             Socket a1 = connect(server, "127.0.0.1");
             Socket a2 = connect(server, "127.0.0.1")) {
            awaitConnections(server, 2);
            try (Socket a3 = connect(server, "127.0.0.1")) {
                request(a3, "small.txt");     // a refused connection's request is never served
                assertThat(readFrame(a3)).isEqualTo("error 6: connections from 127.0.0.1: 3 (expected: <= 2); try again later");
                assertThat(a3.getInputStream().read()).isEqualTo(-1);
            }
            awaitConnections(server, 2);    // the refused one lingers until its client closes
            try (Socket b1 = connect(server, "127.0.0.2")) {
                awaitConnections(server, 3);
                try (Socket c1 = connect(server, "127.0.0.3")) {
                    assertThat(readFrame(c1)).isEqualTo("error 6: connections: 4 (expected: <= 3); try again later");
                }
                request(b1, "small.txt");
                assertThat(readFrame(b1)).isEqualTo("type 17");
            }
            a1.close();
            awaitConnections(server, 1);
            try (Socket a4 = connect(server, "127.0.0.1")) {
                request(a4, "small.txt");
                assertThat(readFrame(a4)).isEqualTo("type 17");
            }
        }
    }

    @Test
    void tenThousandFailingRequestsLeaveDescriptorsAndBuffersAtBaseline() throws Exception {
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ByteBufAllocatorMetric buffers = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        try (RunningServer server = server(1000, 1000)) {
            String[] bad = {"missing.bin", "../etc/passwd", "/etc/passwd", "a//b", "dir\\x"};
            Runnable batch = () -> {
                for (int i = 0; i < FAILING / 8; i++) {
                    try (Socket s = connect(server, "127.0.0.1")) {
                        request(s, bad[i % bad.length]);
                        assertThat(readFrame(s)).startsWith("error ");
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            };
            batch.run();                              // warm up the pools, then take the baseline
            awaitConnections(server, 0);
            long fds = os.getOpenFileDescriptorCount();
            long used = buffers.usedDirectMemory() + buffers.usedHeapMemory();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> f = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    f.add(pool.submit(batch));
                }
                for (Future<?> x : f) {
                    x.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            awaitConnections(server, 0);
            assertThat(os.getOpenFileDescriptorCount()).as("open descriptors after 10,000 refusals").isLessThanOrEqualTo(fds + 5);
            assertThat(buffers.usedDirectMemory() + buffers.usedHeapMemory()).as("pooled buffer memory")
                    .isLessThanOrEqualTo(used + 4 * 1024 * 1024);
        }
    }
}
