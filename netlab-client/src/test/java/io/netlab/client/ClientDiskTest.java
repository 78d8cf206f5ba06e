package io.netlab.client;

import io.netlab.server.RunningServer;
import io.netlab.testing.SystemTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The client's side of the disk: a full file system, destinations that are symbolic links, FIFOs, devices or
 * directories, the installed file's mode, names as long as the file system allows.
 */
class ClientDiskTest {
    /** 255 bytes, the longest name the server (and Linux) allows: 251 ASCII letters and ".txt". */
    static final String LONG_NAME = "n".repeat(251) + ".txt";

    @TempDir
    static Path tmp;
    static Path root;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(9).nextBytes(data);
        Files.write(root.resolve("4m.bin"), data);
        Files.writeString(root.resolve("new.txt"), "new content\n");
        Files.writeString(root.resolve(LONG_NAME), "a long name\n");
        server = TestServers.file(root, Transport.AUTO);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFullDiskIsALocalErrorAndLeavesNothing() throws Exception {
        Path small = Files.createDirectories(tmp.resolve("small-fs"));
        // a 1 MiB tmpfs of our own (needs root, as in CI); the 4 MiB file cannot fit
        assumeTrue(SystemTools.works("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString()),
                "mount is installed and may mount a small tmpfs here (needs root)");
        try {
            ClientException e;
            try {
                FileFetcher.fetch(TestServers.endpoint(server), "4m.bin", small.resolve("copy.bin"),
                        FetchOptions.defaults().withBlockSize(65536), Progress.NONE);
                throw new AssertionError("4 MiB fitted into 1 MiB");
            } catch (ClientException x) {
                e = x;
            }
            assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
            assertThat(e.getMessage()).matches("local disk error after \\d+ of 4194304 bytes: No space left on device.*");
            assertThat(Files.list(small)).as("no file, no .part").isEmpty();
        } finally {
            SystemTools.run("umount", small.toString());
        }
    }

    @Test
    void aDestinationDirectoryThatCannotBeWrittenIsALocalError() throws Exception {
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        // the tests run as root, which ignores permission bits; the immutable attribute stops root too
        assumeTrue(SystemTools.works("chattr", "+i", locked.toString()),
                "chattr is installed and +i works on this file system (needs root)");
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "new.txt", locked.resolve("copy.txt"), FetchOptions.defaults(),
                    Progress.NONE);
            throw new AssertionError("wrote into an immutable directory");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
            assertThat(e.getMessage()).startsWith("cannot write in " + locked + ": ").contains("Operation not permitted");
        } finally {
            SystemTools.run("chattr", "-i", locked.toString());
        }
        assertThat(Files.list(locked)).isEmpty();
    }

    @Test
    void aSymlinkDestinationIsAnExistingFileAndForceReplacesTheLinkNotItsTarget() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("links"));
        Path target = Files.writeString(dir.resolve("target.txt"), "precious\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "new.txt", link, FetchOptions.defaults(), Progress.NONE);
            throw new AssertionError("replaced without --force");
        } catch (ClientException e) {
            assertThat(e.getMessage()).isEqualTo("destination exists: " + link + " (use --force to replace it)");
        }
        FileFetcher.fetch(TestServers.endpoint(server), "new.txt", link, FetchOptions.defaults().withForce(true),
                Progress.NONE);
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(link).hasContent("new content");
        assertThat(target).hasContent("precious");
        // a dangling link counts as existing too
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.txt"), dir.resolve("nowhere"));
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "new.txt", dangling, FetchOptions.defaults(), Progress.NONE);
            throw new AssertionError("replaced a dangling link without --force");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
        }
    }

    private static ClientException failure(Path local, FetchOptions options) throws Exception {
        return failure("new.txt", local, options);
    }

    private static ClientException failure(String remote, Path local, FetchOptions options) throws Exception {
        try {
            FileFetcher.fetch(TestServers.endpoint(server), remote, local, options, Progress.NONE);
        } catch (ClientException e) {
            return e;
        }
        throw new AssertionError("fetched " + remote + " into " + local);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "rw-r-----", "r--------", "rwxr-x---"})
    void forceKeepsTheModeOfTheFileItReplaces(String old) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "force");
        Path out = Files.writeString(dir.resolve("private.txt"), "old secret\n");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(old));
        FileFetcher.fetch(TestServers.endpoint(server), "new.txt", out, FetchOptions.defaults().withForce(true),
                Progress.NONE);
        assertThat(out).hasContent("new content");
        assertThat(mode(out)).as("never wider than the file it replaced").isEqualTo(old);
        // through a symbolic link: the link is replaced, with the mode of the file it pointed to
        Path target = Files.writeString(dir.resolve("target.txt"), "precious\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(old));
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        FileFetcher.fetch(TestServers.endpoint(server), "new.txt", link, FetchOptions.defaults().withForce(true),
                Progress.NONE);
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(mode(link)).isEqualTo(old);
        assertThat(target).hasContent("precious");
    }

    @Test
    void aNewFileGetsTheModeANewFileGetsHere() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "mode");
        Path out = dir.resolve("copy.txt");
        FileFetcher.fetch(TestServers.endpoint(server), "new.txt", out, FetchOptions.defaults(), Progress.NONE);
        Path plain = Files.createFile(dir.resolve("plain.txt"));    // as cp or curl would create it (umask applied)
        assertThat(mode(out)).isEqualTo(mode(plain));
        // JarProcessIT runs the client under umask 077 and 027, where the old fixed rw-r--r-- was wrong
    }

    @Test
    void theTemporaryNameFitsWhereverTheNameFits() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "long");
        List<String> seen = new ArrayList<>();
        Progress watch = new Progress() {
            @Override
            public void start(long total) {
                try (var files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".netlab-partial")).forEach(seen::add);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        // the remote name (255 bytes) into a directory, then the same as an explicit LOCAL_PATH, then a 254-byte name
        // of two-byte characters, which must be cut between characters
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), LONG_NAME, dir, FetchOptions.defaults(), watch);
        assertThat(r.destination()).isEqualTo(dir.resolve(LONG_NAME)).hasContent("a long name");
        Path explicit = Files.createTempDirectory(tmp, "long").resolve("m".repeat(255));
        FileFetcher.fetch(TestServers.endpoint(server), "new.txt", explicit, FetchOptions.defaults(), Progress.NONE);
        assertThat(explicit).hasContent("new content");
        String accents = "é".repeat(127);
        Path wide = dir.resolve(accents);
        FileFetcher.fetch(TestServers.endpoint(server), "new.txt", wide, FetchOptions.defaults(), watch);
        assertThat(wide).hasContent("new content");

        // the partial file and its metadata, for each of the two long names
        assertThat(seen).hasSize(4).allSatisfy(name -> {
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            assertThat(name).matches("\\.[^/]+\\.netlab-partial(\\.meta)?").doesNotContain("\uFFFD");
        });
        assertThat(seen).filteredOn(n -> n.endsWith(".meta")).hasSize(2)
                .anySatisfy(n -> assertThat(n.getBytes(StandardCharsets.UTF_8).length).isEqualTo(255));
        assertThat(seen.get(0)).startsWith("." + "n".repeat(200));
        assertThat(seen.get(2)).startsWith("." + "é".repeat(100));
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).as("nothing left once installed")
                .containsExactlyInAnyOrder(LONG_NAME, accents);
        assertThat(LocalFiles.truncate(accents, 240)).isEqualTo("é".repeat(120));
        assertThat(LocalFiles.truncate("aé", 2)).isEqualTo("a");
        assertThat(LocalFiles.truncate("a😀b", 4)).isEqualTo("a");
        assertThat(LocalFiles.truncate("short", 240)).isEqualTo("short");
    }

    @Test
    void aFifoIsNeverReplacedWithOrWithoutForce() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "fifo");
        Path fifo = dir.resolve("pipe");
        assumeTrue(SystemTools.works("mkfifo", fifo.toString()), "mkfifo is available");
        for (boolean force : new boolean[] {false, true}) {
            ClientException e = failure(fifo, FetchOptions.defaults().withForce(force));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
            assertThat(e.getMessage()).isEqualTo("destination: " + fifo + " is a FIFO (expected: a regular file or a "
                    + "symbolic link to one; netlab-client never replaces anything else)");
            assertThat(Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
                    .as("still a FIFO").isTrue();
            try (var files = Files.list(dir)) {
                assertThat(files).containsExactly(fifo);
            }
        }
    }

    @Test
    void devicesDirectoriesAndDanglingLinksAreRefusedBeforeAnyWrite() throws Exception {
        // a file the server does not have: had the check failed to refuse, the fetch would still fail before any
        // rename, and the real /dev/null would be safe; the assertion is that the refusal is local, and first
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull), "/dev/null exists");
        ClientException e = failure("no-such-file.bin", devNull, FetchOptions.defaults().withForce(true));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
        assertThat(e.getMessage()).startsWith("destination: /dev/null is a character device (expected: a regular file");
        try (var files = Files.list(devNull.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".null."));
        }

        Path dir = Files.createTempDirectory(tmp, "special");
        Path toDevice = Files.createSymbolicLink(dir.resolve("to-null"), devNull);
        assertThat(failure("no-such-file.bin", toDevice, FetchOptions.defaults().withForce(true)).getMessage())
                .startsWith("destination: " + toDevice + " is a symbolic link to a character device (expected: ");
        assertThat(Files.readSymbolicLink(toDevice)).isEqualTo(devNull);
        Files.delete(toDevice);     // else @TempDir warns that it deletes a link to outside

        // a directory where the remote name would go
        Files.createDirectories(dir.resolve("new.txt"));
        assertThat(failure(dir, FetchOptions.defaults().withForce(true)).getMessage())
                .startsWith("destination: " + dir.resolve("new.txt") + " is a directory (expected: ");

        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThat(failure(dangling, FetchOptions.defaults().withForce(true)).getMessage())
                .startsWith("destination: " + dangling + " is a symbolic link to nothing (" + dir.resolve("nowhere") + ")");
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }

    @Test
    void aDirectoryAskedForMustExist() throws Exception {
        Path parent = Files.createTempDirectory(tmp, "into");
        Path missing = parent.resolve("newdir");
        try {
            FileFetcher.fetchInto(TestServers.endpoint(server), "new.txt", missing, FetchOptions.defaults(), Progress.NONE);
            throw new AssertionError("fetched into a missing directory");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.LOCAL);
            assertThat(e.getMessage()).isEqualTo("destination directory does not exist: " + missing + "/");
        }
        Path file = Files.writeString(parent.resolve("file"), "a file\n");
        try {
            FileFetcher.fetchInto(TestServers.endpoint(server), "new.txt", file, FetchOptions.defaults().withForce(true),
                    Progress.NONE);
            throw new AssertionError("fetched into a file");
        } catch (ClientException e) {
            assertThat(e.getMessage()).isEqualTo("destination: " + file
                    + " is not a directory (expected: a directory, as the '/' after it says)");
        }
        assertThat(file).hasContent("a file");
        try (var files = Files.list(parent)) {
            assertThat(files).containsExactly(file);
        }
        TransferResult r = FileFetcher.fetchInto(TestServers.endpoint(server), "new.txt", parent, FetchOptions.defaults(),
                Progress.NONE);
        assertThat(r.destination()).isEqualTo(parent.resolve("new.txt")).hasContent("new content");
    }
}
