package io.netlab.server;

import io.netlab.codec.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several requests per connection and listings (docs/protocol.md, "Several requests per connection" and 3b), over
 * real sockets with a client that writes the frames itself.
 */
class SeveralRequestsTest {
    @TempDir
    Path root;
    @TempDir
    Path outside;
    RunningServer server;

    /** One listed entry as the wire has it. */
    record Entry(int kind, long size, long modified, String path) {
        static Entry of(byte[] body) {
            ByteBuffer b = ByteBuffer.wrap(body);
            int kind = b.get() & 0xff;
            long size = b.getLong();
            long modified = b.getLong();
            byte[] p = new byte[b.getShort() & 0xffff];
            b.get(p);
            return new Entry(kind, size, modified, new String(p, StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    void tree() throws IOException {
        Files.writeString(root.resolve("a.txt"), "alpha\n");
        Files.createDirectories(root.resolve("dir/sub"));
        Files.writeString(root.resolve("dir/b.txt"), "bravo!\n");
        Files.writeString(root.resolve("dir/sub/c.txt"), "charlie\n");
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
        Files.createDirectories(outside.resolve("secret-dir"));
        Files.writeString(outside.resolve("secret-dir/inner.txt"), "inner\n");
        Files.createSymbolicLink(root.resolve("dir/out-file"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dir/out-dir"), outside.resolve("secret-dir"));
        Files.createSymbolicLink(root.resolve("dir/in-file"), root.resolve("a.txt"));
        Files.createSymbolicLink(root.resolve("dir/loop"), root.resolve("dir"));
    }

    private void start(long maxListEntries) throws Exception {
        server = FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).port(0).threads(2)
                .idleTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofMillis(500))
                .root(root).maxListEntries(maxListEntries).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String fetch(RawClient c, String path) throws IOException {
        c.send(RawClient.fileRequest(path, 4, 0, 1));
        assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        RawClient.Frame f;
        while ((f = c.readFrame()).type() == RawClient.TYPE_FILE_DATA) {
            data.write(f.body());
        }
        assertThat(f.type()).isEqualTo(RawClient.TYPE_FILE_END);
        return data.toString(StandardCharsets.UTF_8);
    }

    private static List<Entry> list(RawClient c, String path, int flags) throws IOException {
        c.send(RawClient.listRequest(path, flags));
        List<Entry> entries = new ArrayList<>();
        RawClient.Frame f;
        while ((f = c.readFrame()).type() == RawClient.TYPE_LIST_ENTRY) {
            entries.add(Entry.of(f.body()));
        }
        assertThat(f.type()).as("after %s", entries).isEqualTo(RawClient.TYPE_LIST_END);
        assertThat(ByteBuffer.wrap(f.body()).getLong()).isEqualTo(entries.size());
        return entries;
    }

    private static Map<String, Integer> kinds(List<Entry> entries) {
        Map<String, Integer> m = new HashMap<>();
        entries.forEach(e -> m.put(e.path(), e.kind()));
        return m;
    }

    @Test
    void oneConnectionCarriesFilesListingsAndRefusalsOneAfterAnother() throws Exception {
        start(1000);
        try (RawClient c = new RawClient(server.localAddress())) {
            assertThat(fetch(c, "a.txt")).isEqualTo("alpha\n");
            assertThat(fetch(c, "dir/b.txt")).isEqualTo("bravo!\n");
            c.send(RawClient.fileRequest("missing.txt", 1024, 0, 1));
            RawClient.Frame refused = c.readFrame();
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.NOT_FOUND.code());
            c.send(RawClient.fileRequest("dir", 1024, 0, 1));
            assertThat(c.readFrame().errorCode()).isEqualTo(ErrorCode.NOT_A_FILE.code());
            c.send(RawClient.fileRequest("dir/out-file", 1024, 0, 1));
            assertThat(c.readFrame().errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED.code());
            assertThat(kinds(list(c, "", 0))).containsOnlyKeys("a.txt", "dir");
            assertThat(fetch(c, "dir/sub/c.txt")).isEqualTo("charlie\n");
            c.send(RawClient.fileRequest("a.txt", 0, 0, 1));        // block size 0: BAD_REQUEST closes
            assertThat(c.readFrame().errorCode()).isEqualTo(ErrorCode.BAD_REQUEST.code());
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aRecursiveListingSkipsLinksThatLeaveTheRootOrNameDirectoriesAndNamesDirectoriesFirst() throws Exception {
        start(1000);
        try (RawClient c = new RawClient(server.localAddress())) {
            List<Entry> entries = list(c, "", 1);
            assertThat(kinds(entries)).containsOnly(
                    Map.entry("a.txt", 0), Map.entry("dir", 1), Map.entry("dir/b.txt", 0), Map.entry("dir/sub", 1),
                    Map.entry("dir/sub/c.txt", 0), Map.entry("dir/out-file", 3), Map.entry("dir/out-dir", 3),
                    Map.entry("dir/in-file", 0), Map.entry("dir/loop", 3));
            List<String> order = entries.stream().map(Entry::path).toList();
            assertThat(order.indexOf("dir")).isLessThan(order.indexOf("dir/b.txt"));
            assertThat(order.indexOf("dir/sub")).isLessThan(order.indexOf("dir/sub/c.txt"));
            Entry b = entries.get(order.indexOf("dir/b.txt"));
            assertThat(b.size()).isEqualTo(7);
            assertThat(b.modified()).isEqualTo(Files.getLastModifiedTime(root.resolve("dir/b.txt")).toMillis());
            assertThat(entries.get(order.indexOf("dir/in-file")).size()).isEqualTo(6);
            assertThat(entries.get(order.indexOf("dir/out-file")).size()).isZero();
            // and the connection takes the next request
            assertThat(kinds(list(c, "dir/sub", 0))).containsOnly(Map.entry("c.txt", 0));
            assertThat(kinds(list(c, "dir/sub/c.txt", 1))).containsOnly(Map.entry("c.txt", 0));
            assertThat(kinds(list(c, "dir/in-file", 0))).as("a link's own name").containsOnly(Map.entry("in-file", 0));
        }
    }

    @Test
    void listingsOutsideTheRootOrOfNothingAreRefusedAndTheConnectionStays() throws Exception {
        start(1000);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.listRequest("dir/out-dir", 1));
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED.code());
            assertThat(f.errorMessage()).doesNotContain(outside.toString());
            c.send(RawClient.listRequest("../", 0));
            assertThat(c.readFrame().errorCode()).isEqualTo(ErrorCode.ACCESS_DENIED.code());
            c.send(RawClient.listRequest("nothing", 0));
            assertThat(c.readFrame().errorCode()).isEqualTo(ErrorCode.NOT_FOUND.code());
            assertThat(list(c, "dir/sub", 1)).hasSize(1);
        }
    }

    @Test
    void unknownFlagsAreABadRequestAndClose() throws Exception {
        start(1000);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.listRequest("", 0x81));
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST.code());
            assertThat(f.errorMessage()).isEqualTo("flags: 0x81 (expected: 0x00 or 0x01 RECURSIVE)");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aListingOverTheLimitEndsWithTooLargeAndCloses() throws Exception {
        start(3);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.listRequest("", 1));
            for (int i = 0; i < 3; i++) {
                assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_LIST_ENTRY);
            }
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.TOO_LARGE.code());
            assertThat(f.errorMessage()).isEqualTo("entries: 4 (expected: <= 3, --max-list-entries)");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aLargeDirectoryIsStreamedWhole() throws Exception {
        Path big = Files.createDirectories(root.resolve("big"));
        for (int i = 0; i < 3000; i++) {
            Files.writeString(big.resolve("file-" + i + "-" + "x".repeat(100)), "");
        }
        start(1_000_000);
        try (RawClient c = new RawClient(server.localAddress())) {
            assertThat(list(c, "big", 0)).hasSize(3000).allMatch(e -> e.kind() == 0);
            assertThat(fetch(c, "a.txt")).isEqualTo("alpha\n");
        }
    }

    @Test
    void aByteDuringAnAnswerStillClosesTheConnection() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[8 << 20]);
        start(1000);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("big.bin", 1024, 0, 1));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            c.send(RawClient.fileRequest("a.txt", 1024, 0, 1));     // pipelined: a protocol error
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aLaterRequestMustBeWholeWithinTheRequestTimeoutOfItsFirstByte() throws Exception {
        start(1000);
        try (RawClient c = new RawClient(server.localAddress())) {
            assertThat(fetch(c, "a.txt")).isEqualTo("alpha\n");
            Thread.sleep(700);      // longer than the request timeout between requests: only idle time
            assertThat(fetch(c, "a.txt")).isEqualTo("alpha\n");
            byte[] request = RawClient.fileRequest("a.txt", 1024, 0, 1);
            c.send(java.util.Arrays.copyOf(request, 5));        // the first bytes of a request, and no more
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.TIMEOUT.code());
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
