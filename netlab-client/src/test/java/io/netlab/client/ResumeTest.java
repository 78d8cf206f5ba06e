package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume (issue 11, section 1): a fetch cut by the network leaves its hidden partial file, a fetch with
 * {@link FetchOptions#resume()} continues it and gets the very same bytes as a whole fetch, and a partial file that
 * is not a part of the remote file is discarded with a note, the fetch starting over from byte 0.
 */
class ResumeTest {
    private static final int SIZE = 4 * 1024 * 1024;

    @TempDir
    static Path root;
    static RunningServer server;
    static byte[] data;

    @BeforeAll
    static void start() throws Exception {
        data = new byte[SIZE];
        new Random(11).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Files.write(root.resolve("other.bin"), new byte[SIZE]);
        server = TestServers.file(root, Transport.AUTO);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Collects the notes a fetch gives the user. */
    private static final class Notes implements Progress {
        final List<String> notes = new ArrayList<>();

        @Override
        public void note(String message) {
            notes.add(message);
        }
    }

    private static Path out() throws Exception {
        return Files.createTempDirectory(root, "out").resolve("copy.bin");
    }

    private static Path partialOf(Path out) {
        return out.resolveSibling(".copy.bin.netlab-partial");
    }

    private static Path metaOf(Path out) {
        return out.resolveSibling(".copy.bin.netlab-partial.meta");
    }

    /** Fetches through a relay that cuts the stream after {@code at} bytes; returns what the failure left. */
    private static long cutFetch(Path out, FaultProxy.Fault fault, long at, FetchOptions options) throws Exception {
        try (FaultProxy proxy = new FaultProxy(server.localAddress(), fault, at, 0)) {
            FileFetcher.fetch(new Endpoint("127.0.0.1", proxy.port(), null), "data.bin", out, options, Progress.NONE);
            throw new AssertionError("the fetch went through a relay that cuts at " + at);
        } catch (ClientException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ClientException.Kind.INTERRUPTED);
        }
        assertThat(out).as("never anything under the final name").doesNotExist();
        return Files.exists(partialOf(out)) ? Files.size(partialOf(out)) : 0;
    }

    private static void assertDoneAndClean(Path out) throws Exception {
        assertThat(Files.readAllBytes(out)).as("byte for byte").isEqualTo(data);
        try (var files = Files.list(out.getParent())) {
            assertThat(files).as("no partial file or metadata left").containsExactly(out);
        }
    }

    /**
     * Cut with a FIN or an RST at several points (inside the first block, in the middle, inside the FILE_END frame so
     * that every byte is already on disk), with every digest and odd block sizes; then continued to the same bytes.
     */
    @ParameterizedTest(name = "{0} at {1}, {2}-byte blocks, {3}")
    @CsvSource({"FIN,70000,65536,CRC32C", "RST,1000000,65536,CRC32C", "FIN,5000,1024,SHA256",
                "FIN,2000003,1000,NONE", "RST,3333333,7919,SHA256", "FIN,4194850,65536,CRC32C"})
    void aCutTransferIsContinuedToTheSameBytes(FaultProxy.Fault fault, long at, int blockSize, DigestAlgorithm digest)
            throws Exception {
        Path out = out();
        FetchOptions options = FetchOptions.defaults().withBlockSize(blockSize).withDigest(digest);
        long kept = cutFetch(out, fault, at, options);
        assertThat(kept).as("the whole blocks that arrived are on disk").isPositive().isLessThanOrEqualTo(at);
        assertThat(Files.readAllBytes(partialOf(out))).isEqualTo(java.util.Arrays.copyOf(data, (int) kept));
        assertThat(metaOf(out)).exists();

        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, options.withResume(true), notes);
        assertThat(r.resumedAt()).isEqualTo(kept);
        assertThat(r.bytes()).isEqualTo(SIZE);
        assertThat(notes.notes).isEmpty();
        assertDoneAndClean(out);
        if (at > 4_194_304) {
            assertThat(kept).as("cut inside FILE_END: everything was on disk").isEqualTo(SIZE);
        }
    }

    @Test
    void aResumedTransferCutAgainIsContinuedAgain() throws Exception {
        Path out = out();
        FetchOptions options = FetchOptions.defaults().withBlockSize(65536);
        long first = cutFetch(out, FaultProxy.Fault.FIN, 1_000_000, options);
        long second = cutFetch(out, FaultProxy.Fault.RST, 1_500_000, options.withResume(true));
        assertThat(second).as("the second run appended to the first").isGreaterThan(first);
        assertThat(Files.readAllBytes(partialOf(out))).isEqualTo(java.util.Arrays.copyOf(data, (int) second));
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, options.withResume(true),
                Progress.NONE);
        assertThat(r.resumedAt()).isEqualTo(second);
        assertDoneAndClean(out);
    }

    @Test
    void continueWithoutAPartialFileIsANormalFetch() throws Exception {
        Path out = out();
        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                FetchOptions.defaults().withResume(true), notes);
        assertThat(r.resumedAt()).isZero();
        assertThat(notes.notes).isEmpty();
        assertDoneAndClean(out);
    }

    /** A partial file whose bytes are not those of the remote file, with metadata that says they are. */
    private static Path forgedPartial(int length, String remotePath, long recordedSize) throws Exception {
        Path out = out();
        byte[] wrong = java.util.Arrays.copyOf(data, length);
        wrong[length / 2] ^= 1;
        Files.write(partialOf(out), wrong);
        Files.writeString(metaOf(out), "format=1\nname=copy.bin\nserver=elsewhere\\:9000\npath=" + remotePath
                + "\nsize=" + recordedSize + "\n");
        return out;
    }

    @Test
    void aPartialFileWithOtherBytesFailsTheWholeFileDigestAndTheFetchStartsOver() throws Exception {
        Path out = forgedPartial(1_000_000, "data.bin", SIZE);
        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                FetchOptions.defaults().withBlockSize(65536).withResume(true), notes);
        assertThat(r.resumedAt()).as("the summary reports the fetch that succeeded, from byte 0").isZero();
        assertThat(notes.notes).singleElement().asString()
                .startsWith("discarding the partial file " + partialOf(out) + ": its 1000000 bytes were not the "
                        + "beginning of data.bin (checksum mismatch: the 4.0 MiB (1000000 kept, 3194304 received) have crc32c ")
                .endsWith("; fetching from the start");
        assertDoneAndClean(out);
    }

    @Test
    void aPartialFileOfAnotherRemoteFileIsDiscardedBeforeConnecting() throws Exception {
        Path out = forgedPartial(1_000_000, "other.bin", SIZE);
        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                FetchOptions.defaults().withResume(true), notes);
        assertThat(r.resumedAt()).isZero();
        assertThat(notes.notes).containsExactly("discarding the partial file " + partialOf(out)
                + ": it is a part of other.bin (from elsewhere:9000), not of data.bin; fetching from the start");
        assertDoneAndClean(out);
    }

    @Test
    void aRemoteFileWhoseSizeChangedStartsOverAtItsHeader() throws Exception {
        Path out = forgedPartial(1_000_000, "data.bin", SIZE + 1);
        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                FetchOptions.defaults().withResume(true), notes);
        assertThat(r.resumedAt()).isZero();
        assertThat(notes.notes).containsExactly("discarding the partial file " + partialOf(out) + ": the remote file has "
                + SIZE + " bytes now, " + (SIZE + 1) + " when the partial file was written; fetching from the start");
        assertDoneAndClean(out);
    }

    @Test
    void aRemoteFileNowShorterThanThePartialFileIsRefusedAndTheFetchStartsOver() throws Exception {
        Path out = forgedPartial(SIZE + 10, "data.bin", SIZE + 20);   // it shrank from SIZE + 20 bytes
        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                FetchOptions.defaults().withResume(true), notes);
        assertThat(r.resumedAt()).isZero();
        assertThat(notes.notes).singleElement().asString().startsWith("discarding the partial file " + partialOf(out)
                + ": the remote file is shorter than its " + (SIZE + 10) + " bytes now (offset: " + (SIZE + 10)
                + " (expected: 0.." + SIZE + ", the size of data.bin) [OUT_OF_RANGE]");
        assertDoneAndClean(out);
    }

    @Test
    void aFetchWithoutContinueDiscardsAStalePartialFileEvenWhenItFails() throws Exception {
        Path out = out();
        long kept = cutFetch(out, FaultProxy.Fault.FIN, 1_000_000, FetchOptions.defaults().withBlockSize(65536));
        Notes notes = new Notes();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, FetchOptions.defaults(), notes);
        assertThat(r.resumedAt()).isZero();
        assertThat(notes.notes).containsExactly("discarding " + partialOf(out) + ", the partial file an earlier fetch left ("
                + kept + " bytes; --continue would resume it)");
        assertDoneAndClean(out);

        // the next fetch of the destination cleans up, even one that fails before any byte
        Path again = out();
        cutFetch(again, FaultProxy.Fault.FIN, 1_000_000, FetchOptions.defaults().withBlockSize(65536));
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "missing.bin", again, FetchOptions.defaults(), Progress.NONE);
            throw new AssertionError("fetched a missing file");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
        }
        try (var files = Files.list(again.getParent())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFailedResumeKeepsThePartialFileAndARefusalDoesNotTouchIt() throws Exception {
        Path out = out();
        long kept = cutFetch(out, FaultProxy.Fault.FIN, 1_000_000, FetchOptions.defaults().withBlockSize(65536));
        byte[] before = Files.readAllBytes(partialOf(out));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        try {
            FileFetcher.fetch(new Endpoint("127.0.0.1", closedPort, null), "data.bin", out,
                    FetchOptions.defaults().withResume(true), Progress.NONE);
            throw new AssertionError("connected to a closed port");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
            assertThat(e.getMessage()).endsWith("; the first " + kept + " bytes are kept in " + partialOf(out)
                    + " (--continue resumes from there)");
        }
        assertThat(Files.readAllBytes(partialOf(out))).isEqualTo(before);
        // a refusal (the file gone for a while): the partial file stays as it was too
        Path away = Files.move(root.resolve("data.bin"), root.resolve("data.bin.away"));
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, FetchOptions.defaults().withResume(true),
                    Progress.NONE);
            throw new AssertionError("fetched a missing file");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
            assertThat(e.getMessage()).startsWith("data.bin: no such file on the server [NOT_FOUND]")
                    .endsWith("; the first " + kept + " bytes are kept in " + partialOf(out)
                            + " (--continue resumes from there)");
        } finally {
            Files.move(away, root.resolve("data.bin"));
        }
        assertThat(Files.readAllBytes(partialOf(out))).isEqualTo(before);
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                FetchOptions.defaults().withResume(true), Progress.NONE);
        assertThat(r.resumedAt()).isEqualTo(kept);
        assertDoneAndClean(out);
    }

    @Test
    void aPartialFileInUseByAnotherFetchIsLeftAlone() throws Exception {
        Path out = out();
        long kept = cutFetch(out, FaultProxy.Fault.FIN, 1_000_000, FetchOptions.defaults().withBlockSize(65536));
        try (PartialFile busy = PartialFile.open(out)) {
            assertThat(busy.length()).isEqualTo(kept);
            for (boolean resume : new boolean[] {false, true}) {
                try {
                    FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out,
                            FetchOptions.defaults().withResume(resume), Progress.NONE);
                    throw new AssertionError("two fetches into one partial file");
                } catch (ClientException e) {
                    assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
                    assertThat(e.getMessage()).isEqualTo("another fetch into " + out + " is in progress (it holds "
                            + partialOf(out) + ')');
                }
            }
            assertThat(Files.size(partialOf(out))).isEqualTo(kept);
            assertThat(metaOf(out)).exists();
        }
    }

    @Test
    void aSymbolicLinkAtThePartialFileNameIsNeverFollowed() throws Exception {
        Path out = out();
        Path target = Files.writeString(out.resolveSibling("target.txt"), "precious\n");
        Files.createSymbolicLink(partialOf(out), target);
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, FetchOptions.defaults(), Progress.NONE);
            throw new AssertionError("wrote through a link");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
            assertThat(e.getMessage()).startsWith("cannot write in " + out.getParent().toAbsolutePath() + ": ");
        }
        assertThat(target).hasContent("precious");
        assertThat(out).doesNotExist();
    }
}
