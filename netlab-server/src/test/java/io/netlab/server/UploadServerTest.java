package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Uploads (docs/protocol.md, 3c) over real sockets, driven frame by frame by a raw client. */
class UploadServerTest {
    private static final int CRC32C = 1;

    @TempDir
    Path tmp;
    Path root;
    RunningServer server;

    private RunningServer start(java.util.function.UnaryOperator<FileServer.Builder> settings) throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        FileServer.Builder b = FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).threads(2)
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ofSeconds(1)).root(root).maxBlockSize(FileConstants.MAX_BLOCK_SIZE);
        server = settings.apply(b).start();
        return server;
    }

    private RunningServer writable() throws Exception {
        return start(b -> b.writable(true).minFreeSpace(0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RawClient client() throws Exception {
        return new RawClient(server.localAddress());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static long ready(RawClient.Frame f) {
        assertThat(f.type()).as("PUT_READY, not " + (f.type() == RawClient.TYPE_ERROR ? f.errorMessage() : f.type()))
                .isEqualTo(RawClient.TYPE_PUT_READY);
        return ByteBuffer.wrap(f.body()).getLong();
    }

    private static void assertError(RawClient.Frame f, ErrorCode code, String message) {
        assertThat(f.type()).isEqualTo(RawClient.TYPE_ERROR);
        assertThat(f.errorMessage()).contains(message);
        assertThat(ErrorCode.valueOf(f.errorCode())).isEqualTo(code);
    }

    /** Everything in the directory, hidden files included. */
    private static String[] names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void anUploadIsVerifiedInstalledAndAnsweredWithPutDone() throws Exception {
        writable();
        byte[] content = random(10_000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("up.bin", content.length, 4096, CRC32C, 0));
            RawClient.Frame r = c.readFrame();
            assertThat(ready(r)).isZero();
            assertThat(ByteBuffer.wrap(r.body()).getInt(8)).isEqualTo(4096);
            c.send(RawClient.data(content, 4096)).send(RawClient.endCrc32c(content.length, content));
            RawClient.Frame done = c.readFrame();
            assertThat(done.type()).isEqualTo(RawClient.TYPE_PUT_DONE);
            assertThat(ByteBuffer.wrap(done.body()).getLong()).isEqualTo(content.length);
            assertThat(Arrays.copyOfRange(done.body(), 10, 14)).isEqualTo(Arrays.copyOfRange(
                    RawClient.endCrc32c(content.length, content), 18, 22));
            // the connection stays (docs/protocol.md, several requests per connection): the file is fetched on it
            c.send(RawClient.fileRequest("up.bin", 65536, 0, 0));
            RawClient.Frame header = c.readFrame();
            assertThat(header.type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            assertThat(ByteBuffer.wrap(header.body()).getLong(1)).isEqualTo(content.length);
            RawClient.Frame data = c.readFrame();
            assertThat(data.type()).isEqualTo(RawClient.TYPE_FILE_DATA);
            assertThat(data.body()).isEqualTo(content);
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_END);
        }
        assertThat(Files.readAllBytes(root.resolve("up.bin"))).isEqualTo(content);
        assertThat(names(root)).containsExactly("up.bin");
        var mode = Files.getPosixFilePermissions(root.resolve("up.bin"));
        assertThat(mode).doesNotContain(PosixFilePermission.OTHERS_WRITE).contains(PosixFilePermission.OWNER_WRITE);
    }

    /**
     * The frames the server sends until it closes the connection; fails if it neither sends nor closes within the
     * socket timeout (shorter than the idle timeout, which would close it too).
     */
    private static java.util.List<Integer> framesUntilClosed(RawClient c) throws Exception {
        c.setTimeout(8000);
        java.util.List<Integer> types = new java.util.ArrayList<>();
        try {
            while (true) {
                types.add(c.readFrame().type());
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection after " + types, e);
        } catch (java.io.IOException closedOrReset) {
            return types;
        }
    }

    @Test
    void aRequestPipelinedRightBehindFileEndClosesTheConnection() throws Exception {
        writable();
        Files.writeString(root.resolve("a.txt"), "alpha\n");
        byte[] content = random(10_000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("p.bin", content.length, 4096, CRC32C, 0));
            ready(c.readFrame());
            // the data, FILE_END and a FILE_REQUEST in one write: requests are not pipelined
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.writeBytes(RawClient.data(content, 4096));
            all.writeBytes(RawClient.endCrc32c(content.length, content));
            all.writeBytes(RawClient.fileRequest("a.txt", 1024, 0, CRC32C));
            c.send(all.toByteArray());
            // PUT_DONE (unless the close overtook it), then the close: never the file, never a wait
            assertThat(framesUntilClosed(c)).isSubsetOf(RawClient.TYPE_PUT_DONE);
        }
        assertThat(Files.readAllBytes(root.resolve("p.bin"))).isEqualTo(content);     // verified before the answer
        assertThat(names(root)).containsExactly("a.txt", "p.bin");
    }

    /** An upload whose data pauses longer than the request timeout (but not the idle timeout). */
    private static RawClient.Frame slowUpload(RawClient c, String name) throws Exception {
        byte[] content = random(10_000);
        c.send(RawClient.putRequest(name, content.length, 4096, CRC32C, 0));
        ready(c.readFrame());
        byte[] data = RawClient.data(content, 4096);
        c.send(Arrays.copyOf(data, 100));
        Thread.sleep(1500);
        c.send(Arrays.copyOfRange(data, 100, data.length)).send(RawClient.endCrc32c(content.length, content));
        return c.readFrame();
    }

    @Test
    void aSlowUploadCompletesAsTheFirstRequestAndAfterAListing() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0).requestTimeout(Duration.ofMillis(1000)));
        try (RawClient c = client()) {
            RawClient.Frame f = slowUpload(c, "first.bin");
            assertThat(f.type()).as(f.type() == RawClient.TYPE_ERROR ? f.errorMessage() : "")
                    .isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        try (RawClient c = client()) {
            c.send(RawClient.listRequest("", 0));
            while (c.readFrame().type() != RawClient.TYPE_LIST_END) {
                // entries
            }
            RawClient.Frame f = slowUpload(c, "second.bin");
            assertThat(f.type()).as(f.type() == RawClient.TYPE_ERROR ? f.errorMessage() : "")
                    .isEqualTo(RawClient.TYPE_PUT_DONE);
        }
    }

    @Test
    void aKeptRefusalThenAnUploadThenAFetchThenAnotherUploadOnOneConnection() throws Exception {
        writable();
        Files.writeString(root.resolve("a.txt"), "alpha\n");
        byte[] content = random(5000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("a.txt", content.length, 4096, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.ALREADY_EXISTS, "a.txt");
            c.send(RawClient.fileRequest("nope", 1024, 0, CRC32C));
            assertError(c.readFrame(), ErrorCode.NOT_FOUND, "nope");
            c.send(RawClient.putRequest("b.bin", content.length, 4096, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(content, 4096)).send(RawClient.endCrc32c(content.length, content));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
            c.send(RawClient.fileRequest("b.bin", 65536, 0, CRC32C));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            assertThat(c.readFrame().body()).isEqualTo(content);
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_END);
            c.send(RawClient.putRequest("c.bin", content.length, 4096, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(content, 4096)).send(RawClient.endCrc32c(content.length, content));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(Files.readAllBytes(root.resolve("c.bin"))).isEqualTo(content);
    }

    @Test
    void aRequestPipelinedBehindARefusedPutClosesTheConnection() throws Exception {
        writable();
        Files.writeString(root.resolve("a.txt"), "alpha\n");
        try (RawClient c = client()) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.writeBytes(RawClient.putRequest("a.txt", 5, 1024, CRC32C, 0));        // ALREADY_EXISTS: kept
            all.writeBytes(RawClient.fileRequest("a.txt", 1024, 0, CRC32C));
            c.send(all.toByteArray());
            RawClient.Frame f = c.readFrame();
            assertError(f, ErrorCode.ALREADY_EXISTS, "a.txt");
            assertThat(framesUntilClosed(c)).isEmpty();
        }
    }

    @Test
    void aFrameWhileAContinueIsBeingCheckedIsAProtocolError() throws Exception {
        writable();
        byte[] content = random(10_000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("k.bin", content.length, 1000, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(Arrays.copyOf(content, 4000), 1000));
        }
        Path temp = root.resolve(".k.bin.netlab-upload");
        await(() -> Files.exists(temp) && Files.size(temp) == 4000 && claimFree("k.bin"));
        try (RawClient c = client()) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.writeBytes(RawClient.putRequest("k.bin", content.length, 1000, CRC32C, PutFlags.CONTINUE));
            all.writeBytes(RawClient.fileRequest("k.bin", 1024, 0, CRC32C));     // before PUT_READY: not allowed
            c.send(all.toByteArray());
            RawClient.Frame f = c.readFrame();
            assertThat(f.type()).as("an ERROR, not a PUT_READY").isEqualTo(RawClient.TYPE_ERROR);
            assertThat(ErrorCode.valueOf(f.errorCode())).isEqualTo(ErrorCode.ILLEGAL_OPERATION);
            assertThat(framesUntilClosed(c)).isEmpty();
        }
        await(() -> claimFree("k.bin"));
        assertThat(Files.size(temp)).isEqualTo(4000);       // kept for a later CONTINUE
    }

    @Test
    void temporaryFilesOfAnUploadAreNeitherListedNorServed() throws Exception {
        writable();
        byte[] content = random(10_000);
        Files.createDirectories(root.resolve("sub"));
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("sub/t.bin", content.length, 1000, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(Arrays.copyOf(content, 4000), 1000));
            Path temp = root.resolve("sub/.t.bin.netlab-upload");
            await(() -> Files.exists(temp) && Files.size(temp) == 4000);
            try (RawClient other = client()) {
                other.send(RawClient.listRequest("", 1));      // recursive
                RawClient.Frame f;
                java.util.List<String> listed = new java.util.ArrayList<>();
                while ((f = other.readFrame()).type() == RawClient.TYPE_LIST_ENTRY) {
                    listed.add(new String(f.body(), StandardCharsets.UTF_8));
                }
                assertThat(f.type()).isEqualTo(RawClient.TYPE_LIST_END);
                assertThat(listed).hasSize(1).allSatisfy(e -> assertThat(e).endsWith("sub"));
                for (String hidden : new String[] {"sub/.t.bin.netlab-upload", "sub/.t.bin.netlab-upload.meta"}) {
                    other.send(RawClient.fileRequest(hidden, 1024, 0, CRC32C));
                    assertError(other.readFrame(), ErrorCode.NOT_FOUND, "no such file on the server");
                }
                other.send(RawClient.listRequest("sub", 0));
                assertThat(other.readFrame().type()).isEqualTo(RawClient.TYPE_LIST_END);
            }
        }
    }

    @Test
    void aReadOnlyServerSaysSoBeforeAnyData() throws Exception {
        start(b -> b);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("up.bin", 5, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.ACCESS_DENIED, "server is read-only (started without --writable)");
            // a refusal before any data keeps the connection: the next request is answered on it
            c.send(RawClient.putRequest("up.bin", 5, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.ACCESS_DENIED, "server is read-only (started without --writable)");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void anUploadOverTheLimitIsRefusedBeforeAnyDataByte() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0).maxUpload(1000));
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("big.bin", 1001, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.TOO_LARGE, "size: 1001 (expected: <= 1000, --max-upload)");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void anUploadThatWouldCrossTheFreeSpaceFloorIsRefusedBeforeAnyDataByte() throws Exception {
        // a floor above the free space the disk has: as full as a disk can be for this server
        start(b -> b.writable(true).minFreeSpace(Long.MAX_VALUE / 2));
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("any.bin", 1, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.TOO_LARGE, "--min-free-space");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void digestNoneAndBadBlockSizesAreRefused() throws Exception {
        writable();
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("a.bin", 1, 1024, 0, 0));
            assertError(c.readFrame(), ErrorCode.BAD_REQUEST, "digest: none (expected: crc32c or sha256");
        }
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("a.bin", 1, 0, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.BAD_REQUEST, "blockSize: 0 (expected: 1..16777216)");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void pathsOutsideTheRootAreRefused() throws Exception {
        writable();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("x.txt"));
        Files.createDirectories(root.resolve("dir"));
        String[][] cases = {
            {"../x", "ACCESS_DENIED", "contains '..'"},
            {"/etc/x", "ACCESS_DENIED", "is absolute"},
            {"out/x", "ACCESS_DENIED", "a symbolic link leads outside the served directory"},
            {"link.txt", "ACCESS_DENIED", "a symbolic link leads outside the served directory"},
            {"nodir/x", "NOT_FOUND", "no such directory on the server"},
            {"dir", "NOT_A_FILE", "is a directory"},
            {"dir/", "BAD_REQUEST", "expected: a file name at its end"},
            {".x.netlab-upload", "BAD_REQUEST", "kept for the server's temporary files"},
            {"dir/.x.netlab-upload.meta", "BAD_REQUEST", "kept for the server's temporary files"},
        };
        for (String[] k : cases) {
            try (RawClient c = client()) {
                c.send(RawClient.putRequest(k[0], 1, 1024, CRC32C, PutFlags.OVERWRITE));
                assertError(c.readFrame(), ErrorCode.valueOf(k[1]), k[2]);
            }
        }
        assertThat(names(outside)).isEmpty();
        assertThat(names(root)).containsExactly("dir", "link.txt", "out");
    }

    @Test
    void mkdirsCreatesTheMissingDirectoriesInsideTheRootOnly() throws Exception {
        writable();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.writeString(root.resolve("file"), "x");
        byte[] content = random(100);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("a/b/c/new.bin", content.length, 1024, CRC32C, PutFlags.MKDIRS));
            ready(c.readFrame());
            c.send(RawClient.data(content, 1024)).send(RawClient.endCrc32c(content.length, content));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(Files.readAllBytes(root.resolve("a/b/c/new.bin"))).isEqualTo(content);
        String[][] cases = {
            {"out/new/x", "ACCESS_DENIED", "a symbolic link leads outside the served directory"},
            {"file/new/x", "NOT_FOUND", "a segment is not a directory"},
            {"../new/x", "ACCESS_DENIED", "contains '..'"},
        };
        for (String[] k : cases) {
            try (RawClient c = client()) {
                c.send(RawClient.putRequest(k[0], 1, 1024, CRC32C, PutFlags.MKDIRS));
                assertError(c.readFrame(), ErrorCode.valueOf(k[1]), k[2]);
            }
        }
        assertThat(names(outside)).isEmpty();
        assertThat(tmp.resolve("new")).doesNotExist();
        // without MKDIRS, a missing directory is still NOT_FOUND
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("d/e/x", 1, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.NOT_FOUND, "no such directory on the server");
        }
        assertThat(root.resolve("d")).doesNotExist();
    }

    @Test
    void mkdirsOnAReadOnlyServerOrOverTheLimitCreatesNothing() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0).maxUpload(10));
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("big/x", 11, 1024, CRC32C, PutFlags.MKDIRS));
            assertError(c.readFrame(), ErrorCode.TOO_LARGE, "--max-upload");
        }
        server.close();
        start(b -> b);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("ro/x", 1, 1024, CRC32C, PutFlags.MKDIRS));
            assertError(c.readFrame(), ErrorCode.ACCESS_DENIED, "server is read-only");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void anExistingFileIsReplacedOnlyWhenAskedAndAllowed() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0));
        Files.writeString(root.resolve("there.txt"), "old");
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("there.txt", 3, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.ALREADY_EXISTS, "there.txt: exists on the server (expected: a new "
                    + "name, or put --overwrite)");
        }
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("there.txt", 3, 1024, CRC32C, PutFlags.OVERWRITE));
            assertError(c.readFrame(), ErrorCode.ALREADY_EXISTS, "started without --allow-overwrite");
        }
        assertThat(Files.readString(root.resolve("there.txt"))).isEqualTo("old");
        server.close();
        start(b -> b.writable(true).minFreeSpace(0).allowOverwrite(true));
        byte[] fresh = "new".getBytes(StandardCharsets.UTF_8);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("there.txt", 3, 1024, CRC32C, PutFlags.OVERWRITE));
            ready(c.readFrame());
            c.send(RawClient.data(fresh, 1024)).send(RawClient.endCrc32c(3, fresh));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(Files.readString(root.resolve("there.txt"))).isEqualTo("new");
    }

    @Test
    void aCorruptedByteIsRefusedWithIntegrityAndNothingIsInstalled() throws Exception {
        writable();
        byte[] content = random(5000);
        byte[] sent = content.clone();
        sent[1234] ^= 1;
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("bad.bin", content.length, 1024, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(sent, 1024)).send(RawClient.endCrc32c(content.length, content));
            assertError(c.readFrame(), ErrorCode.INTEGRITY, "bad.bin: checksum mismatch");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void aWrongCountAndMoreDataThanAnnouncedAreRefusedWithIntegrity() throws Exception {
        writable();
        byte[] content = random(100);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("short.bin", 101, 1024, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(content, 1024)).send(RawClient.endCrc32c(100, content));
            assertError(c.readFrame(), ErrorCode.INTEGRITY, "count mismatch: received 100 bytes");
        }
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("long.bin", 99, 1024, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(content, 1024));
            assertError(c.readFrame(), ErrorCode.INTEGRITY, "more data than announced: 100 bytes (expected: 99)");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void dataOverTheAgreedBlockSizeIsAProtocolError() throws Exception {
        writable();
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("a.bin", 5000, 1024, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(random(2048), 2048));
            assertError(c.readFrame(), ErrorCode.ILLEGAL_OPERATION, "FILE_DATA (0x12) length: 2048 (expected: <= 1024)");
        }
        assertThat(names(root)).doesNotContain("a.bin");
    }

    @Test
    void aSecondUploaderToThePathGetsBusyWhileTheFirstRunsAndTheFirstInstallsIntact() throws Exception {
        writable();
        byte[] content = random(3000);
        try (RawClient first = client(); RawClient second = client()) {
            first.send(RawClient.putRequest("race.bin", content.length, 1024, CRC32C, 0));
            ready(first.readFrame());
            first.send(RawClient.data(Arrays.copyOf(content, 1000), 1024));
            second.send(RawClient.putRequest("race.bin", 5, 1024, CRC32C, PutFlags.OVERWRITE));
            assertError(second.readFrame(), ErrorCode.BUSY, "race.bin: another upload to it is in progress");
            first.send(RawClient.data(Arrays.copyOfRange(content, 1000, 3000), 1024))
                    .send(RawClient.endCrc32c(content.length, content));
            assertThat(first.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(Files.readAllBytes(root.resolve("race.bin"))).isEqualTo(content);
        // and afterwards the path is free again (and exists)
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("race.bin", 5, 1024, CRC32C, 0));
            assertError(c.readFrame(), ErrorCode.ALREADY_EXISTS, "exists on the server");
        }
    }

    @Test
    void aFileThatAppearsDuringTheUploadIsNeverReplaced() throws Exception {
        writable();
        byte[] content = random(2000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("late.txt", content.length, 1024, CRC32C, 0));
            ready(c.readFrame());
            Files.writeString(root.resolve("late.txt"), "someone else's");
            c.send(RawClient.data(content, 1024)).send(RawClient.endCrc32c(content.length, content));
            assertError(c.readFrame(), ErrorCode.ALREADY_EXISTS, "late.txt: appeared on the server during the upload");
        }
        assertThat(Files.readString(root.resolve("late.txt"))).isEqualTo("someone else's");
        assertThat(names(root)).containsExactly("late.txt");
    }

    @Test
    void aCutUploadLeavesOnlyTheHiddenFileAndContinueCompletesItWithAWholeFileCheck() throws Exception {
        writable();
        byte[] content = random(10_000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("cut.bin", content.length, 1000, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(Arrays.copyOf(content, 4000), 1000));
        }       // cut: the connection closes mid-upload
        Path temp = root.resolve(".cut.bin.netlab-upload");
        await(() -> Files.exists(temp) && Files.size(temp) == 4000 && claimFree("cut.bin"));
        assertThat(Files.exists(root.resolve("cut.bin"))).isFalse();
        // without CONTINUE: from 0
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("cut.bin", content.length, 1000, CRC32C, 0));
            assertThat(ready(c.readFrame())).isZero();
            c.send(RawClient.data(Arrays.copyOf(content, 3000), 1000));
        }
        await(() -> Files.size(temp) == 3000 && claimFree("cut.bin"));
        // another size: nothing to continue
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("cut.bin", content.length + 1, 1000, CRC32C, PutFlags.CONTINUE));
            assertThat(ready(c.readFrame())).isZero();
        }
        await(() -> claimFree("cut.bin"));
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("cut.bin", content.length, 1000, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(Arrays.copyOf(content, 3000), 1000));
        }
        await(() -> Files.size(temp) == 3000 && claimFree("cut.bin"));
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("cut.bin", content.length, 1000, CRC32C, PutFlags.CONTINUE));
            assertThat(ready(c.readFrame())).isEqualTo(3000);
            c.send(RawClient.data(Arrays.copyOfRange(content, 3000, content.length), 1000))
                    .send(RawClient.endCrc32c(content.length - 3000, content));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(Files.readAllBytes(root.resolve("cut.bin"))).isEqualTo(content);
        assertThat(names(root)).containsExactly("cut.bin");
    }

    @Test
    void aContinueWhoseKeptBytesAreWrongIsRefusedByTheWholeFileDigest() throws Exception {
        writable();
        byte[] content = random(4000);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("w.bin", content.length, 1000, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(Arrays.copyOf(content, 2000), 1000));
        }
        Path temp = root.resolve(".w.bin.netlab-upload");
        await(() -> Files.exists(temp) && Files.size(temp) == 2000 && claimFree("w.bin"));
        byte[] damaged = Files.readAllBytes(temp);
        damaged[10] ^= 1;
        Files.write(temp, damaged);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("w.bin", content.length, 1000, CRC32C, PutFlags.CONTINUE));
            assertThat(ready(c.readFrame())).isEqualTo(2000);
            c.send(RawClient.data(Arrays.copyOfRange(content, 2000, 4000), 1000))
                    .send(RawClient.endCrc32c(2000, content));
            assertError(c.readFrame(), ErrorCode.INTEGRITY, "checksum mismatch");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void staleTemporaryFilesAreRemovedByTheNextUploadInTheirDirectory() throws Exception {
        start(b -> b.writable(true).minFreeSpace(0).staleUploadsAfter(Duration.ofHours(1)));
        Path stale = Files.write(root.resolve(".old.bin.netlab-upload"), new byte[10]);
        Path staleMeta = Files.writeString(root.resolve(".old.bin.netlab-upload.meta"), "x");
        Path recent = Files.write(root.resolve(".new.bin.netlab-upload"), new byte[10]);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis());
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(staleMeta, old);
        byte[] content = random(10);
        try (RawClient c = client()) {
            c.send(RawClient.putRequest("x.bin", content.length, 1024, CRC32C, 0));
            ready(c.readFrame());
            c.send(RawClient.data(content, 1024)).send(RawClient.endCrc32c(content.length, content));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(names(root)).containsExactly(".new.bin.netlab-upload", "x.bin");
        assertThat(recent).exists();
    }

    @Test
    void aServerThatPredatesUploadsWouldNameTheType() throws Exception {
        // what this server still refuses: data before PUT_READY
        writable();
        try (RawClient c = client()) {
            c.send(RawClient.data(random(10), 1024));
            assertError(c.readFrame(), ErrorCode.ILLEGAL_OPERATION,
                    "type: FILE_DATA (0x12) (expected: one of FILE_REQUEST (0x10), LIST_REQUEST (0x14), PUT_REQUEST (0x18))");
        }
    }

    /** Whether the server has let go of its claim on {@code name} (it does when it sees the close): no BUSY. */
    private boolean claimFree(String name) {
        // a size over --max-upload: refused (TOO_LARGE) right after the claim is checked, so nothing is touched
        try (RawClient c = client()) {
            c.send(RawClient.putRequest(name, 1L << 40, 1024, CRC32C, 0));
            RawClient.Frame f = c.readFrame();
            return !(f.type() == RawClient.TYPE_ERROR && f.errorCode() == ErrorCode.BUSY.code());
        } catch (Exception e) {
            return false;
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** The PUT_REQUEST flags, as docs/protocol.md numbers them. */
    private static final class PutFlags {
        static final int OVERWRITE = 1;
        static final int CONTINUE = 2;
        static final int MKDIRS = 4;
    }
}
