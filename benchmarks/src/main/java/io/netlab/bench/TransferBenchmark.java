package io.netlab.bench;

import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.FileFetcher;
import io.netlab.client.Progress;
import io.netlab.client.TransferResult;
import io.netlab.codec.DigestAlgorithm;
import io.netlab.client.Transport;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netlab.codec.SendMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * End to end in one process over 127.0.0.1: the real server and the real client moving a file, per block size,
 * transport, digest and send mode (buffered frame runs or sendfile). The data goes to /dev/null so that the disk
 * is not measured. One operation is one whole fetch (ops/s: fetches per second); the secondary result
 * {@code payload} (added by {@link PayloadRate}) is the data rate in MiB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransferBenchmark {
    @Param({"1024", "65536", "1048576"})
    public int blockSize;

    @Param({"epoll", "nio"})
    public String transport;

    @Param({"crc32c", "none"})
    public String digest;

    @Param({"buffered", "sendfile"})
    public String sendMode;

    /** Size of the file moved per operation, in MiB. */
    @Param({"64"})
    public int fileMiB;

    private Path dir;
    private RunningServer server;
    private Endpoint endpoint;
    private FetchOptions options;
    private FileOutputStream devNull;
    private FileChannel sink;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("netlab-bench");
        byte[] block = new byte[1024 * 1024];
        new Random(1).nextBytes(block);
        try (FileOutputStream out = new FileOutputStream(dir.resolve("f.bin").toFile())) {
            for (int i = 0; i < fileMiB; i++) {
                out.write(block);
            }
        }
        Transport t = Transport.valueOf(transport.toUpperCase(Locale.ROOT));
        server = FileServer.builder().root(dir).bind(InetAddress.getByName("127.0.0.1"))
                .transport(io.netlab.server.Transport.valueOf(t.name())).threads(1).shutdownGrace(Duration.ofSeconds(1))
                .sendMode(SendMode.valueOf(sendMode.toUpperCase(Locale.ROOT))).start();
        endpoint = new Endpoint("127.0.0.1", server.localAddress().getPort(), null);
        options = FetchOptions.defaults().withBlockSize(blockSize).withDigest(DigestAlgorithm.parse(digest))
                .withTransport(t);
        devNull = new FileOutputStream("/dev/null");
        sink = devNull.getChannel();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.close();
        devNull.close();
        Files.deleteIfExists(dir.resolve("f.bin"));
        Files.deleteIfExists(dir);
    }

    /** One whole transfer of the file, verified, into /dev/null. */
    @Benchmark
    public TransferResult fetch() throws Exception {
        TransferResult r = FileFetcher.fetchTo(endpoint, "f.bin", sink, options, Progress.NONE);
        if (r.bytes() != fileMiB * 1024L * 1024) {
            throw new IllegalStateException("fetched " + r.bytes() + " bytes (expected: " + fileMiB + " MiB)");
        }
        return r;
    }
}
