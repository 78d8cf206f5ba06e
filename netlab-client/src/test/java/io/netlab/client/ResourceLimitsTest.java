package io.netlab.client;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netlab.codec.FileConstants;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server and the real client under load, over 127.0.0.1, bounded in count and time: thousands of idle
 * connections, many concurrent downloads, and a sparse file over 4 GiB. (The caps and the failing-request soak,
 * which need only raw sockets, are the server's own ConnectionLimitsTest.)
 */
class ResourceLimitsTest {
    // CI sizes; `mvn -B verify -Psoak` (see the client pom) raises them for a long soak
    private static final int IDLE = Integer.getInteger("netlab.soak.idleConnections", 2000);
    private static final int DOWNLOADS = Integer.getInteger("netlab.soak.downloads", 100);
    private static final long SPARSE_GIB = Long.getLong("netlab.soak.sparseGiB", 5);

    @TempDir
    static Path root;

    @BeforeAll
    static void files() throws Exception {
        byte[] data = new byte[50 * 1024 * 1024];
        new Random(50).nextBytes(data);
        Files.write(root.resolve("50m.bin"), data);
        Files.writeString(root.resolve("small.txt"), "small\n");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Files.deleteIfExists(root.resolve("sparse.bin"));
    }

    private static RunningServer server(int total, int perClient) throws Exception {
        return TestServers.local(FileServer.builder(), Transport.AUTO).root(root)
                .maxBlockSize(FileConstants.MAX_BLOCK_SIZE).maxConnections(total).maxConnectionsPerClient(perClient).start();
    }

    private static Socket connect(RunningServer server, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void awaitConnections(RunningServer server, int n) throws InterruptedException {
        for (int i = 0; i < 1000 && server.connectionCount() != n; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(server.connectionCount()).isEqualTo(n);
    }

    @Test
    void thousandsOfIdleConnectionsDoNotKeepANormalClientWaiting() throws Exception {
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // both ends live in this JVM: two descriptors per connection
        int idle = (int) Math.min(IDLE, (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 300) / 2);
        assertThat(idle).as("file descriptors for the idle connections").isGreaterThanOrEqualTo(500);
        try (RunningServer server = server(idle + 10, idle + 10)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < idle; i++) {
                    sockets.add(connect(server, "127.0.0." + (1 + i % 200)));
                }
                awaitConnections(server, idle);
                Path out = Files.createTempDirectory(root, "idle").resolve("small.txt");
                long start = System.nanoTime();
                FileFetcher.fetch(TestServers.endpoint(server), "small.txt", out, FetchOptions.defaults(), Progress.NONE);
                assertThat(out).hasContent("small");
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aHundredConcurrentDownloadsAllVerify() throws Exception {
        try (RunningServer server = server(DOWNLOADS + 100, DOWNLOADS + 100)) {
            ExecutorService pool = Executors.newFixedThreadPool(DOWNLOADS);
            try (FileChannel devNull = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE)) {
                List<Future<TransferResult>> results = new ArrayList<>();
                for (int i = 0; i < DOWNLOADS; i++) {
                    // into /dev/null: the digest, checked against the server's, is what verifies each copy
                    results.add(pool.submit(() -> FileFetcher.fetchTo(TestServers.endpoint(server), "50m.bin", devNull,
                            FetchOptions.defaults().withBlockSize(1024 * 1024), Progress.NONE)));
                }
                String digest = crc32c(root.resolve("50m.bin"));
                for (Future<TransferResult> f : results) {
                    TransferResult r = f.get(120, TimeUnit.SECONDS);
                    assertThat(r.bytes()).isEqualTo(50L * 1024 * 1024);
                    assertThat(r.digestHex()).isEqualTo(digest);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static String crc32c(Path p) throws IOException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(Files.readAllBytes(p));
        return String.format("%08x", crc.getValue());
    }

    @Test
    void aSparseFileOverFourGigabytesArrivesWhole() throws Exception {
        Path sparse = root.resolve("sparse.bin");
        long size = SPARSE_GIB * 1024 * 1024 * 1024 + 123;
        try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(java.nio.ByteBuffer.wrap("the end".getBytes(StandardCharsets.US_ASCII)), size - 7);
        }
        try (RunningServer server = server(10, 10);
             FileChannel devNull = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE)) {
            TransferResult r = FileFetcher.fetchTo(TestServers.endpoint(server), "sparse.bin", devNull,
                    FetchOptions.defaults().withBlockSize(FileConstants.MAX_BLOCK_SIZE), Progress.NONE);
            assertThat(r.bytes()).isEqualTo(size);   // counted by the client, checked against FILE_HEADER and FILE_END
        } finally {
            Files.deleteIfExists(sparse);
        }
    }
}
