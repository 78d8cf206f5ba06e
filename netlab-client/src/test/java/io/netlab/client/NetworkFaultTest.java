package io.netlab.client;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real client and server with a faulty link between them (a relay on 127.0.0.1): the client must say exactly
 * what happened, exit with an error and leave nothing at the destination (only its hidden partial file, when the
 * transfer was cut or went silent); the server must release the file.
 */
class NetworkFaultTest {
    private static final int SIZE = 4 * 1024 * 1024;
    /** Where the first FILE_DATA payload starts: FILE_HEADER frame (8 + 22) and one data frame header (8). */
    private static final int FIRST_PAYLOAD = 8 + 22 + 8;

    @TempDir
    static Path root;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(4).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        server = TestServers.file(root, Transport.AUTO);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * The descriptors of this JVM open on the served file (from /proc/self/fd; where there is none, the JVM's whole
     * count). Counting only that file keeps the check exact: other descriptors come and go (class loading, new
     * event loops), which made a whole-JVM count flaky.
     */
    private static long openFiles() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
        }
        Path served = root.resolve("data.bin").toRealPath();
        long n = 0;
        try (var list = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(served)) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while we looked: not open on the file
                }
            }
        }
        return n;
    }

    private ClientException fetchThrough(FaultProxy.Fault fault, long at, long rate, FetchOptions options)
            throws Exception {
        long before = openFiles();
        Path dir = Files.createTempDirectory(root, "out");
        try (FaultProxy proxy = new FaultProxy(server.localAddress(), fault, at, rate)) {
            FileFetcher.fetch(new Endpoint("127.0.0.1", proxy.port(), null), "data.bin", dir.resolve("copy.bin"),
                    options, Progress.NONE);
            throw new AssertionError("the fetch succeeded through " + fault);
        } catch (ClientException e) {
            assertThat(dir.resolve("copy.bin")).as("nothing at the destination").doesNotExist();
            try (var files = Files.list(dir)) {
                if (e.kind() == ClientException.Kind.INTERRUPTED) {
                    // what arrived intact is kept, hidden, for --continue (ResumeTest continues it)
                    assertThat(files.map(p -> p.getFileName().toString()))
                            .containsExactlyInAnyOrder(".copy.bin.netlab-partial", ".copy.bin.netlab-partial.meta");
                    assertThat(e.getMessage()).contains("(--continue resumes from there)");
                } else {
                    assertThat(files).as("nothing left beside it either").isEmpty();
                }
            }
            for (int i = 0; i < 500 && server.connectionCount() > 0; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(server.connectionCount()).isZero();
            for (int i = 0; i < 200 && openFiles() > before; i++) {
                TimeUnit.MILLISECONDS.sleep(10);     // the input is closed just after the connection
            }
            assertThat(openFiles()).as("the server released the file").isLessThanOrEqualTo(before);
            return e;
        }
    }

    @Test
    void aConnectionCutWithAFinIsAnInterruptedTransfer() throws Exception {
        ClientException e = fetchThrough(FaultProxy.Fault.FIN, 1_000_000, 0, FetchOptions.defaults().withBlockSize(65536));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.INTERRUPTED);
        // 1,000,000 bytes of stream = the FILE_HEADER frame (30) + 15 whole data frames (15 x 65544) + part of one
        assertThat(e.getMessage()).startsWith("transfer interrupted after 983040 of 4194304 bytes: the server closed the connection");
    }

    @Test
    void aConnectionCutWithAnRstIsAnInterruptedTransfer() throws Exception {
        ClientException e = fetchThrough(FaultProxy.Fault.RST, 1_000_000, 0, FetchOptions.defaults().withBlockSize(65536));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.INTERRUPTED);
        assertThat(e.getMessage()).matches("transfer interrupted after \\d+ of 4194304 bytes: .*");
    }

    @Test
    void aFreezeLongerThanTheTimeoutIsReported() throws Exception {
        ClientException e = fetchThrough(FaultProxy.Fault.FREEZE, 1_000_000, 0,
                FetchOptions.defaults().withBlockSize(65536).withReadTimeout(Duration.ofSeconds(1)));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.TIMEOUT);
        assertThat(e.getMessage()).matches("no data from server for 1 s \\(after \\d+ of 4194304 bytes\\).*");
    }

    @Test
    void oneFlippedBitInADataFrameIsAChecksumMismatch() throws Exception {
        ClientException e = fetchThrough(FaultProxy.Fault.FLIP, FIRST_PAYLOAD + 1000, 0,
                FetchOptions.defaults().withBlockSize(65536));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.INTEGRITY);
        assertThat(e.getMessage()).startsWith("checksum mismatch: the 4.0 MiB received have crc32c ");
    }

    @Test
    void oneFlippedBitInAFrameHeaderIsAProtocolError() throws Exception {
        ClientException e = fetchThrough(FaultProxy.Fault.FLIP, FIRST_PAYLOAD - 8 + 1, 0,
                FetchOptions.defaults().withBlockSize(65536));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).startsWith("protocol error after 0 of 4194304 bytes: magic: 0x4e4d");
    }

    @Test
    void aBandwidthCapOnlyMakesItSlower() throws Exception {
        Path out = Files.createTempDirectory(root, "slow").resolve("copy.bin");
        try (FaultProxy proxy = new FaultProxy(server.localAddress(), FaultProxy.Fault.RATE, 0, 8L * 1024 * 1024)) {
            TransferResult r = FileFetcher.fetch(new Endpoint("127.0.0.1", proxy.port(), null), "data.bin", out,
                    FetchOptions.defaults(), Progress.NONE);
            assertThat(r.bytes()).isEqualTo(SIZE);
            assertThat(out).hasSameBinaryContentAs(root.resolve("data.bin"));
        }
    }
}
