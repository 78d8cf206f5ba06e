package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End to end: FileUploader and the real file server over 127.0.0.1 (docs/protocol.md, 3c). */
class UploadTest {
    @TempDir
    Path tmp;
    Path root;
    RunningServer server;
    Endpoint endpoint;

    private void start(UnaryOperator<FileServer.Builder> settings) throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        server = settings.apply(TestServers.local(FileServer.builder(), Transport.AUTO).root(root)).start();
        endpoint = TestServers.endpoint(server);
    }

    private void writable() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path local(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(Files.createDirectories(tmp.resolve("local")).resolve(name), data);
    }

    private static FetchOptions options() {
        return FetchOptions.builder().blockSize(FileUploader.DEFAULT_BLOCK_SIZE).build();
    }

    private UploadResult put(Path local, String remote, FetchOptions options) throws Exception {
        return FileUploader.upload(endpoint, local, remote, options, Progress.NONE);
    }

    private static String hex(DigestAlgorithm d, byte[] data) {
        DigestAlgorithm.Digest digest = d.newDigest();
        digest.update(io.netty.buffer.Unpooled.wrappedBuffer(data));
        return DigestAlgorithm.hex(digest.finish());
    }

    @ParameterizedTest
    @CsvSource({"0,1024,CRC32C", "1,1024,CRC32C", "1023,1024,SHA256", "1025,1024,CRC32C", "1048583,65536,SHA256",
        "10485760,1024,CRC32C", "10485760,16777216,CRC32C"})
    void filesArriveByteIdenticalAndVerified(int size, int blockSize, DigestAlgorithm digest) throws Exception {
        writable();
        Path file = local("f.bin", size);
        UploadResult r = put(file, "f.bin", options().toBuilder().blockSize(blockSize).digest(digest).build());
        byte[] sent = Files.readAllBytes(file);
        assertThat(Files.readAllBytes(root.resolve("f.bin"))).isEqualTo(sent);
        assertThat(r.bytes()).isEqualTo(size);
        assertThat(r.digestHex()).isEqualTo(hex(digest, sent));
        assertThat(r.resumedAt()).isZero();
        try (var s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("f.bin");
        }
    }

    @Test
    void progressIsReportedUpToTheSize() throws Exception {
        writable();
        Path file = local("p.bin", 3 * 1024 * 1024);
        long[] seen = {-1, -1};
        FileUploader.upload(endpoint, file, "p.bin", options(), new Progress() {
            @Override
            public void start(long total) {
                seen[0] = total;
            }

            @Override
            public void update(long received) {
                seen[1] = Math.max(seen[1], received);
            }
        });
        assertThat(seen).containsExactly(3 * 1024 * 1024, 3 * 1024 * 1024);
    }

    @Test
    void aReadOnlyServerRefusesWithAClearMessage() throws Exception {
        start(b -> b);
        Path file = local("r.bin", 10);
        assertThatThrownBy(() -> put(file, "r.bin", options()))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED))
                .hasMessageContaining("server is read-only (started without --writable)");
        assertThat(root).isEmptyDirectory();
    }

    /** Counts whether the upload got as far as sending data (progress starts at PUT_READY). */
    private static final class Started implements Progress {
        final AtomicBoolean started = new AtomicBoolean();

        @Override
        public void start(long total) {
            started.set(true);
        }
    }

    @Test
    void overTheMaximumIsRefusedBeforeAnyDataByte() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0).maxUpload(1000));
        Path file = local("big.bin", 1001);
        Started progress = new Started();
        assertThatThrownBy(() -> FileUploader.upload(endpoint, file, "big.bin", options(), progress))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("size: 1001 (expected: <= 1000, --max-upload)");
        assertThat(progress.started).isFalse();
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void aFullDiskIsRefusedBeforeAnyDataByte() throws Exception {
        // the free-space floor set above the free space there is: to this server, the disk is full
        long free = Files.getFileStore(tmp).getUsableSpace();
        start(b -> b.writable(true).minFreeSpace(free + (1L << 30)));
        Path file = local("full.bin", 100);
        Started progress = new Started();
        assertThatThrownBy(() -> FileUploader.upload(endpoint, file, "full.bin", options(), progress))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("--min-free-space");
        assertThat(progress.started).isFalse();
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void anExistingFileIsKeptUnlessOverwriteIsAskedAndAllowed() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0).allowOverwrite(true));
        Files.writeString(root.resolve("e.txt"), "old");
        Path file = local("e.txt", 50);
        assertThatThrownBy(() -> put(file, "e.txt", options()))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ALREADY_EXISTS))
                .hasMessageContaining("e.txt: exists on the server");
        assertThat(Files.readString(root.resolve("e.txt"))).isEqualTo("old");
        put(file, "e.txt", options().withForce(true));
        assertThat(Files.readAllBytes(root.resolve("e.txt"))).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void pathEscapesAreRefused() throws Exception {
        writable();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        Path file = local("x", 5);
        for (String remote : new String[] {"../x", "/x", "out/x"}) {
            assertThatThrownBy(() -> put(file, remote, options()))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED));
        }
        assertThat(outside).isEmptyDirectory();
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void twoUploadersRacingToOneNameExactlyOneWinsAndTheFileIsIntact() throws Exception {
        writable();
        Path a = local("a.bin", 2 * 1024 * 1024);
        Path b = local("b.bin", 1024 * 1024);
        CountDownLatch aReady = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        CompletableFuture<UploadResult> first = CompletableFuture.supplyAsync(() -> {
            try {
                // A holds its event loop at PUT_READY until B has tried: the server holds A's claim meanwhile
                return FileUploader.upload(endpoint, a, "race.bin", options(), new Progress() {
                    @Override
                    public void start(long total) {
                        aReady.countDown();
                        try {
                            goOn.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(aReady.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> put(b, "race.bin", options().withForce(true)))
                    .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BUSY))
                    .hasMessageContaining("race.bin: another upload to it is in progress; try again later");
        } finally {
            goOn.countDown();
        }
        assertThat(first.get(20, TimeUnit.SECONDS).bytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(Files.readAllBytes(root.resolve("race.bin"))).isEqualTo(Files.readAllBytes(a));
        // the loser tries again without --overwrite: the name is taken now
        assertThatThrownBy(() -> put(b, "race.bin", options()))
                .isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        assertThat(Files.readAllBytes(root.resolve("race.bin"))).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void aClientCutMidUploadLeavesNothingUnderTheNameAndContinueCompletesIt() throws Exception {
        writable();
        Path file = local("cut.bin", 4 * 1024 * 1024);
        try (UploadRelay relay = new UploadRelay(server.localAddress(), UploadRelay.Fault.CUT, 1_500_000)) {
            Endpoint viaRelay = new Endpoint("127.0.0.1", relay.port(), null);
            assertThatThrownBy(() -> FileUploader.upload(viaRelay, file, "cut.bin", options(), Progress.NONE))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.INTERRUPTED))
                    .hasMessageContaining("put --continue resumes it");
        }
        assertThat(root.resolve("cut.bin")).doesNotExist();
        Path temp = root.resolve(".cut.bin.netlab-upload");
        awaitTrue(() -> Files.exists(temp) && Files.size(temp) > 0);
        UploadResult r = putWhenFree(file, "cut.bin", options().withResume(true));
        assertThat(r.resumedAt()).isPositive().isLessThan(1_500_000);
        assertThat(Files.readAllBytes(root.resolve("cut.bin"))).isEqualTo(Files.readAllBytes(file));
        assertThat(temp).doesNotExist();
    }

    @Test
    void aClientCutAfterItsLastByteAndBeforeItsEndGetsTheCheckOnContinue() throws Exception {
        writable();
        Path file = local("e.bin", 100_000);
        // PUT_REQUEST (8 + 16 + 5 bytes), then two FILE_DATA frames (8 + 65536, 8 + 34464): cut before FILE_END
        long beforeEnd = 8 + 16 + 5 + 8 + 65536 + 8 + 34464;
        try (UploadRelay relay = new UploadRelay(server.localAddress(), UploadRelay.Fault.CUT, beforeEnd)) {
            Endpoint viaRelay = new Endpoint("127.0.0.1", relay.port(), null);
            assertThatThrownBy(() -> FileUploader.upload(viaRelay, file, "e.bin", options(), Progress.NONE))
                    .isInstanceOf(ClientException.class);
        }
        Path temp = root.resolve(".e.bin.netlab-upload");
        awaitTrue(() -> Files.exists(temp) && Files.size(temp) == 100_000);
        assertThat(root.resolve("e.bin")).doesNotExist();
        UploadResult r = putWhenFree(file, "e.bin", options().withResume(true));
        assertThat(r.resumedAt()).isEqualTo(100_000);
        assertThat(Files.readAllBytes(root.resolve("e.bin"))).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void aCorruptedByteIsRefusedWithIntegrityAndNothingIsInstalled() throws Exception {
        writable();
        Path file = local("c.bin", 300_000);
        try (UploadRelay relay = new UploadRelay(server.localAddress(), UploadRelay.Fault.FLIP, 200_000)) {
            Endpoint viaRelay = new Endpoint("127.0.0.1", relay.port(), null);
            assertThatThrownBy(() -> FileUploader.upload(viaRelay, file, "c.bin", options(), Progress.NONE))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY))
                    .hasMessageContaining("c.bin: checksum mismatch");
        }
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void aServerThatPredatesUploadsGivesAClearError() throws Exception {
        try (ServerSocket old = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Void> script = CompletableFuture.runAsync(() -> {
                try (Socket s = old.accept()) {
                    InputStream in = s.getInputStream();
                    in.readNBytes(8);       // a 0.1 server reads the header, and refuses the type
                    byte[] m = "type: unknown (0x18) (expected: FILE_REQUEST (0x10))".getBytes(StandardCharsets.UTF_8);
                    ByteBuffer f = ByteBuffer.allocate(8 + 4 + m.length);
                    f.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x7F).putInt(4 + m.length)
                            .putShort((short) 3).putShort((short) m.length).put(m);
                    OutputStream out = s.getOutputStream();
                    out.write(f.array());
                    out.flush();
                    s.shutdownOutput();
                    in.readAllBytes();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Path file = local("o.bin", 10);
            Endpoint oldServer = new Endpoint("127.0.0.1", old.getLocalPort(), null);
            assertThatThrownBy(() -> FileUploader.upload(oldServer, file, "o.bin", options(), Progress.NONE))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED))
                    .hasMessageContaining("the server cannot take uploads: it predates them");
            script.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUploadOverTlsIsByteForByte() throws Exception {
        Path certs = Files.createDirectories(tmp.resolve("certs"));
        TestCerts.Ca ca = TestCerts.ca(certs, "ca");
        TestCerts.ServerCert cert = TestCerts.server(certs, ca, "good");
        start(b -> {
            try {
                return b.writable(true).minFreeSpace(0).tls(cert.cert(), cert.key());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path file = local("t.bin", 3 * 1024 * 1024 + 5);
        UploadResult r = FileUploader.upload(endpoint, file, "t.bin",
                options().toBuilder().tls(ClientTls.trustCa(ca.pem())).build(), Progress.NONE);
        assertThat(r.bytes()).isEqualTo(3 * 1024 * 1024 + 5);
        assertThat(Files.readAllBytes(root.resolve("t.bin"))).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void aDirectoryOrAFifoIsRefusedLocally() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("adir"));
        Endpoint nowhere = new Endpoint("127.0.0.1", 1, null);
        assertThatThrownBy(() -> FileUploader.upload(nowhere, dir, "d", options(), Progress.NONE))
                .isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL))
                .hasMessageContaining("is a directory");
        assertThatThrownBy(() -> FileUploader.upload(nowhere, tmp.resolve("missing"), "m", options(), Progress.NONE))
                .isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL))
                .hasMessageContaining("local file not found");
    }

    @Test
    void aTreeIsPutWithItsDirectoriesCreatedAndLinksSkipped() throws Exception {
        writable();
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.createDirectories(tree.resolve("a/b"));
        Files.createDirectories(tree.resolve("empty"));
        Files.writeString(tree.resolve("top.txt"), "top");
        Files.write(tree.resolve("a/b/c.bin"), new byte[200_000]);
        Files.write(tree.resolve("a/zero.bin"), new byte[0]);
        Files.createSymbolicLink(tree.resolve("link.txt"), tree.resolve("top.txt"));
        java.util.List<String> notes = new java.util.ArrayList<>();
        long[] seen = {-1, -1};
        java.util.List<UploadResult> r = FileUploader.uploadTree(endpoint, tree, "in/put", options(), new Progress() {
            @Override
            public void start(long total) {
                seen[0] = total;
            }

            @Override
            public void update(long received) {
                seen[1] = Math.max(seen[1], received);
            }

            @Override
            public void note(String message) {
                notes.add(message);
            }
        });
        assertThat(r).extracting(UploadResult::remotePath)
                .containsExactly("in/put/a/b/c.bin", "in/put/a/zero.bin", "in/put/top.txt");
        assertThat(seen).containsExactly(200_003, 200_003);
        assertThat(notes).singleElement().asString().contains("link.txt: a symbolic link");
        assertThat(Files.readString(root.resolve("in/put/top.txt"))).isEqualTo("top");
        assertThat(Files.readAllBytes(root.resolve("in/put/a/b/c.bin"))).hasSize(200_000);
        assertThat(root.resolve("in/put/a/zero.bin")).isEmptyFile();
        assertThat(root.resolve("in/put/link.txt")).doesNotExist();
        assertThat(root.resolve("in/put/empty")).doesNotExist();
        // again: the first file that exists stops it, and says how far it got
        assertThatThrownBy(() -> FileUploader.uploadTree(endpoint, tree, "in/put", options(), Progress.NONE))
                .isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ALREADY_EXISTS))
                .hasMessageContaining("0 of 3 files were put before it");
    }

    @Test
    void aServerThatCannotCreateDirectoriesGivesAClearError() throws Exception {
        try (ServerSocket old = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Void> script = CompletableFuture.runAsync(() -> {
                try (Socket s = old.accept()) {
                    InputStream in = s.getInputStream();
                    in.readNBytes(8);
                    byte[] m = "flags: 0x4 (expected: OVERWRITE 0x1 and CONTINUE 0x2 only)".getBytes(StandardCharsets.UTF_8);
                    ByteBuffer f = ByteBuffer.allocate(8 + 4 + m.length);
                    f.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x7F).putInt(4 + m.length)
                            .putShort((short) 3).putShort((short) m.length).put(m);
                    OutputStream out = s.getOutputStream();
                    out.write(f.array());
                    out.flush();
                    s.shutdownOutput();
                    in.readAllBytes();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Path tree = Files.createDirectories(tmp.resolve("t2"));
            Files.writeString(tree.resolve("x.txt"), "x");
            Endpoint oldServer = new Endpoint("127.0.0.1", old.getLocalPort(), null);
            assertThatThrownBy(() -> FileUploader.uploadTree(oldServer, tree, "d", options(), Progress.NONE))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED))
                    .hasMessageContaining("the server cannot create directories: it predates put -r");
            script.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void digestNoneIsRefusedByTheClientBeforeConnecting() throws Exception {
        Path file = local("n.bin", 1);
        Endpoint nowhere = new Endpoint("127.0.0.1", 1, null);
        assertThatThrownBy(() -> FileUploader.upload(nowhere, file, "n.bin", options().withDigest(DigestAlgorithm.NONE),
                Progress.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("digest: none");
    }

    /** Uploads, trying again while the server still holds the cut connection's claim (it lets go when it sees the cut). */
    private UploadResult putWhenFree(Path local, String remote, FetchOptions options) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return put(local, remote, options);
            } catch (ClientException e) {
                if (e.errorCode() != ErrorCode.BUSY || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
