package io.netlab.client;

import io.netlab.server.RunningServer;
import io.netlab.testing.SystemTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The client's side of the disk: a full file system, a destination that is a symbolic link. */
class ClientDiskTest {
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
}
