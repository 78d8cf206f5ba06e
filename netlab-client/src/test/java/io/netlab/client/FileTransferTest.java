package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End to end: the real file server and the real fetcher over 127.0.0.1. */
class FileTransferTest {
    @TempDir
    static Path tmp;
    static Path root;
    static RunningServer server;
    static Endpoint endpoint;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        for (int size : new int[] {0, 1, 1023, 1024, 1025, 10 * 1024 * 1024}) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            Files.write(root.resolve("f" + size + ".bin"), data);
        }
        Files.writeString(root.resolve("ünïcødé 名前 😀.txt"), "non-ASCII name\n");
        Files.createDirectories(root.resolve("a dir"));
        Files.writeString(tmp.resolve("canary.txt"), "CANARY");
        server = TestServers.file(root, Transport.AUTO);
        endpoint = TestServers.endpoint(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Path fresh(String name) throws Exception {
        return Files.createTempDirectory(tmp, "out").resolve(name);
    }

    private static TransferResult fetch(String remote, Path local, FetchOptions options) throws Exception {
        return FileFetcher.fetch(endpoint, remote, local, options, Progress.NONE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1023, 1024, 1025, 10 * 1024 * 1024})
    void filesArriveByteIdenticalAtTheLabsBlockSize(int size) throws Exception {
        Path out = fresh("copy.bin");
        TransferResult r = fetch("f" + size + ".bin", out, FetchOptions.defaults());
        assertThat(out).hasSameBinaryContentAs(root.resolve("f" + size + ".bin"));
        assertThat(r.bytes()).isEqualTo(size);
        assertThat(r.destination()).isEqualTo(out);
        assertThat(r.digestHex()).hasSize(8);
        assertThat(Files.list(out.getParent())).containsExactly(out);   // no temporary file left behind
    }

    @ParameterizedTest
    @CsvSource({"1, NONE, NIO", "8192, SHA256, EPOLL", "65536, CRC32C, NIO", "1048576, CRC32C, EPOLL",
                "16777216, SHA256, AUTO", "1000, CRC32C, AUTO"})
    void everyBlockSizeDigestAndTransportWorks(int blockSize, DigestAlgorithm digest, Transport transport) throws Exception {
        String name = blockSize == 1 ? "f1025.bin" : "f10485760.bin";
        Path out = fresh("copy.bin");
        TransferResult r = fetch(name, out, FetchOptions.defaults().withBlockSize(blockSize).withDigest(digest)
                .withTransport(transport));
        assertThat(out).hasSameBinaryContentAs(root.resolve(name));
        assertThat(r.digest()).isEqualTo(digest);
        assertThat(r.digestHex()).hasSize(digest.length() * 2);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void serverTransportsServeAlike(Transport transport) throws Exception {
        try (RunningServer other = TestServers.file(root, transport)) {
            Path out = fresh("copy.bin");
            FileFetcher.fetch(TestServers.endpoint(other), "f10485760.bin", out, FetchOptions.defaults(), Progress.NONE);
            assertThat(out).hasSameBinaryContentAs(root.resolve("f10485760.bin"));
        }
    }

    @Test
    void nonAsciiNamesWork() throws Exception {
        Path out = fresh("ünïcødé copy 😀.txt");
        fetch("ünïcødé 名前 😀.txt", out, FetchOptions.defaults());
        assertThat(out).hasContent("non-ASCII name");
    }

    @Test
    void aDirectoryDestinationGetsTheRemoteName() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "dest");
        TransferResult r = fetch("f1025.bin", dir, FetchOptions.defaults());
        assertThat(r.destination()).isEqualTo(dir.resolve("f1025.bin"));
        assertThat(r.destination()).hasSameBinaryContentAs(root.resolve("f1025.bin"));
    }

    @Test
    void progressIsReportedUpToTheSize() throws Exception {
        AtomicLong total = new AtomicLong(-1);
        AtomicLong last = new AtomicLong();
        FileFetcher.fetch(endpoint, "f10485760.bin", fresh("p.bin"), FetchOptions.defaults(), new Progress() {
            @Override
            public void start(long t) {
                total.set(t);
            }

            @Override
            public void update(long received) {
                assertThat(received).isGreaterThanOrEqualTo(last.get());
                last.set(received);
            }
        });
        assertThat(total.get()).isEqualTo(10 * 1024 * 1024);
        assertThat(last.get()).isEqualTo(10 * 1024 * 1024);
    }

    private static ClientException failure(String remote, Path local, FetchOptions options) {
        try {
            fetch(remote, local, options);
        } catch (ClientException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("fetching " + remote + " succeeded");
    }

    @Test
    void aMissingFileIsNotFoundAndLeavesNothing() throws Exception {
        Path out = fresh("x.bin");
        ClientException e = failure("missing.bin", out, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
        assertThat(e.getMessage()).isEqualTo("missing.bin: no such file on the server [NOT_FOUND] (fetching missing.bin from "
                + endpoint.authority() + ')');
        assertThat(Files.list(out.getParent())).isEmpty();
    }

    @Test
    void aDirectoryIsNotAFile() throws Exception {
        Path out = fresh("x.bin");
        ClientException e = failure("a dir", out, FetchOptions.defaults());
        assertThat(e.getMessage()).startsWith("a dir: is a directory (expected: a regular file) [NOT_A_FILE]");
        assertThat(Files.list(out.getParent())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../canary.txt", "/etc/passwd", "a dir/../../canary.txt", "..\\canary.txt"})
    void traversalIsRefusedAndNothingIsWritten(String remote) throws Exception {
        Path out = fresh("x.bin");
        ClientException e = failure(remote, out, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
        assertThat(e.getMessage()).containsAnyOf("[ACCESS_DENIED]", "[BAD_REQUEST]");
        assertThat(Files.list(out.getParent())).isEmpty();
    }

    @Test
    void anExistingDestinationIsRefusedUnlessForcedAndThenReplacedWhole() throws Exception {
        Path out = fresh("x.bin");
        Files.writeString(out, "precious");
        ClientException e = failure("f1025.bin", out, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
        assertThat(e.getMessage()).isEqualTo("destination exists: " + out + " (use --force to replace it)");
        assertThat(out).hasContent("precious");

        // a forced fetch that fails keeps the old file
        failure("missing.bin", out, FetchOptions.defaults().withForce(true));
        assertThat(out).hasContent("precious");

        fetch("f1025.bin", out, FetchOptions.defaults().withForce(true));
        assertThat(out).hasSameBinaryContentAs(root.resolve("f1025.bin"));
        assertThat(Files.list(out.getParent())).containsExactly(out);
    }

    @Test
    void aMissingDestinationDirectoryIsALocalError() throws Exception {
        Path out = tmp.resolve("no/such/dir/x.bin");
        ClientException e = failure("f1.bin", out, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
        assertThat(e.getMessage()).isEqualTo("destination directory does not exist: " + tmp.resolve("no/such/dir"));
    }

    @Test
    void connectionRefusedAndUnknownHostAreClear() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        try {
            FileFetcher.fetch(new Endpoint("127.0.0.1", closedPort, null), "f1.bin", fresh("x"), FetchOptions.defaults(),
                    Progress.NONE);
            throw new AssertionError("connected");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
            assertThat(e.getMessage()).isEqualTo("connection refused: 127.0.0.1:" + closedPort
                    + " (is the server running on that port?)");
        }
        try {
            FileFetcher.fetch(new Endpoint("no-such-host.invalid", 9, null), "f1.bin", fresh("x"), FetchOptions.defaults(),
                    Progress.NONE);
            throw new AssertionError("connected");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
            assertThat(e.getMessage()).isEqualTo("unknown host: no-such-host.invalid");
        }
    }

    @Test
    void manyClientsAtOnceAllVerify() throws Exception {
        int n = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.List<java.util.concurrent.Future<TransferResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path out = fresh("c" + i + ".bin");
                results.add(pool.submit(() -> fetch("f10485760.bin", out, FetchOptions.defaults().withBlockSize(8192))));
            }
            for (java.util.concurrent.Future<TransferResult> f : results) {
                TransferResult r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.destination()).hasSameBinaryContentAs(root.resolve("f10485760.bin"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void optionsRejectBadBlockSizes() {
        assertThatThrownBy(() -> FetchOptions.defaults().withBlockSize(0)).hasMessage("blockSize: 0 (expected: 1..16777216)");
    }
}
