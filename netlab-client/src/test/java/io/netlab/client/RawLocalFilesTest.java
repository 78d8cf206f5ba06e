package io.netlab.client;

import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --raw} (issue 10) takes the same care of the user's files as a netlab fetch (issue 9): it saves through
 * {@code FileFetcher.save}, so a special destination is refused with or without force, a directory asked for with
 * '/' must exist, a replaced file keeps its mode, and a 255-byte name fits. Against netlab's own server, in its raw
 * dialect.
 */
class RawLocalFilesTest {
    private static final String LONG_NAME = "r".repeat(255);

    @TempDir
    Path tmp;
    Path root;
    RunningServer server;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        Files.writeString(root.resolve("new.txt"), "new content");
        Files.writeString(root.resolve(LONG_NAME), "a long name");
        server = TestServers.file(root, Transport.AUTO);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawResult fetch(String remote, Path local, boolean force) throws Exception {
        return RawFetcher.fetch(TestServers.endpoint(server), remote, local, FetchOptions.defaults().withForce(force),
                Progress.NONE);
    }

    @Test
    void aDanglingLinkOrADirectoryIsNeverReplacedWithOrWithoutForce() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("special"));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        for (boolean force : new boolean[] {false, true}) {
            assertThatThrownBy(() -> fetch("new.txt", dangling, force)).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.getMessage()).startsWith("destination: " + dangling + " is a symbolic link to "
                            + "nothing (" + dir.resolve("nowhere") + ")"));
        }
        Files.createDirectories(dir.resolve("in").resolve("new.txt"));
        assertThatThrownBy(() -> fetch("new.txt", dir.resolve("in"), true))
                .hasMessageStartingWith("destination: " + dir.resolve("in").resolve("new.txt") + " is a directory");
        assertThat(dir.resolve("nowhere")).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactlyInAnyOrder(dangling, dir.resolve("in"));     // no .part left behind
        }
    }

    @Test
    void aDirectoryAskedForMustExistAndTheRemoteNameGoesInIt() throws Exception {
        Path missing = tmp.resolve("newdir");
        assertThatThrownBy(() -> RawFetcher.fetchInto(TestServers.endpoint(server), "new.txt", missing,
                FetchOptions.defaults(), Progress.NONE))
                .hasMessage("destination directory does not exist: " + missing + '/');
        assertThat(missing).doesNotExist();
        Path dir = Files.createDirectory(missing);
        RawResult r = RawFetcher.fetchInto(TestServers.endpoint(server), "new.txt", dir, FetchOptions.defaults(),
                Progress.NONE);
        assertThat(r.destination()).isEqualTo(dir.resolve("new.txt")).hasContent("new content");
    }

    @Test
    void aReplacedFileKeepsItsModeAndA255ByteNameFits() throws Exception {
        Path dest = Files.createDirectory(tmp.resolve("dest"));
        Path mine = Files.writeString(dest.resolve("mine.txt"), "old");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> fetch("new.txt", mine, false))
                .hasMessage("destination exists: " + mine + " (use --force to replace it)");
        fetch("new.txt", mine, true);
        assertThat(mine).hasContent("new content");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine))).isEqualTo("rw-------");

        RawResult r = fetch(LONG_NAME, dest, false);
        assertThat(r.destination()).isEqualTo(dest.resolve(LONG_NAME)).hasContent("a long name");
        assertThat(r.warnings()).isEmpty();
    }
}
