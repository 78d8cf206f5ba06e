package io.netlab.server;

import io.netlab.codec.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import io.netlab.testing.SystemTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileRootTest {
    @TempDir
    Path tmp;
    Path rootDir;
    FileRoot root;

    @BeforeEach
    void setUp() throws Exception {
        rootDir = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(tmp.resolve("canary.txt"), "CANARY: must never be served");
        Files.writeString(rootDir.resolve("ok.txt"), "fine");
        Files.createDirectories(rootDir.resolve("sub/deeper"));
        Files.writeString(rootDir.resolve("sub/deeper/x.txt"), "x");
        root = new FileRoot(rootDir);
    }

    private ErrorCode refusal(String path) {
        try {
            FileRoot.OpenFile f = root.open(path);
            try {
                f.channel().close();
            } catch (Exception ignored) {
                // closing a file we should not have opened
            }
            throw new AssertionError(path + " was served: " + f.path());
        } catch (FileAccessException e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.code();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../canary.txt", "sub/../../canary.txt", "sub/deeper/../../../canary.txt",
        "./../canary.txt", "sub/..", "..//canary.txt"})
    void dotDotIsRefusedInEveryPosition(String path) {
        assertThat(refusal(path)).isIn(ErrorCode.ACCESS_DENIED, ErrorCode.BAD_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "//etc/passwd", "C:/Windows/win.ini", "c:\\boot.ini", "C:"})
    void absolutePathsAreRefused(String path) {
        assertThat(refusal(path)).isEqualTo(ErrorCode.ACCESS_DENIED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub\\deeper\\x.txt", "..\\canary.txt", "sub//deeper/x.txt", "ok.txt\0.png", ""})
    void malformedPathsAreBadRequests(String path) {
        assertThat(refusal(path)).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void overlongSegmentIsRefused() {
        assertThat(refusal("a".repeat(256))).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void regularFilesInsideAreServed() throws Exception {
        for (String p : new String[] {"ok.txt", "./ok.txt", "sub/deeper/x.txt", "sub/./deeper/x.txt"}) {
            FileRoot.OpenFile f = root.open(p);
            assertThat(f.path()).startsWith(rootDir.toRealPath());
            f.channel().close();
        }
    }

    @Test
    void missingFilesDirectoriesAndFilesUsedAsDirectoriesAreSpecific() {
        assertThat(refusal("missing.txt")).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal("sub")).isEqualTo(ErrorCode.NOT_A_FILE);
        assertThat(refusal("sub/")).isEqualTo(ErrorCode.NOT_A_FILE);
        assertThat(refusal("ok.txt/more")).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void symlinksThatStayInsideAreServedAndThoseThatEscapeAreNot() throws Exception {
        Files.createSymbolicLink(rootDir.resolve("inside-link"), rootDir.resolve("ok.txt"));
        Files.createSymbolicLink(rootDir.resolve("dir-inside"), rootDir.resolve("sub"));
        Files.createSymbolicLink(rootDir.resolve("escape-file"), tmp.resolve("canary.txt"));
        Files.createSymbolicLink(rootDir.resolve("escape-dir"), tmp);
        Files.createSymbolicLink(rootDir.resolve("relative-escape"), Path.of("../canary.txt"));
        root.open("inside-link").channel().close();
        root.open("dir-inside/deeper/x.txt").channel().close();
        assertThat(refusal("escape-file")).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(refusal("escape-dir/canary.txt")).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(refusal("relative-escape")).isEqualTo(ErrorCode.ACCESS_DENIED);
    }

    @Test
    void fifosAreRefusedWithoutBeingOpened() throws Exception {
        Path fifo = rootDir.resolve("pipe");
        assumeTrue(SystemTools.works("mkfifo", fifo.toString()), "mkfifo is available");
        // opening a FIFO for reading would block this thread forever; the refusal must come first
        assertThat(refusal("pipe")).isEqualTo(ErrorCode.NOT_A_FILE);
    }

    @Test
    void devicesReachedThroughALinkAreRefused() throws Exception {
        Path zero = Files.createSymbolicLink(rootDir.resolve("zero"), Path.of("/dev/zero"));
        try {
            assertThat(refusal("zero")).isEqualTo(ErrorCode.ACCESS_DENIED);
        } finally {
            Files.delete(zero);     // else @TempDir warns that it deletes a link to outside
        }
    }

    @Test
    void anUploadsTemporaryFilesAreNotFoundInEveryDialect() throws Exception {
        // the netlab, raw and HTTP dialects all open files through FileRoot.open
        Files.writeString(rootDir.resolve(".up.bin.netlab-upload"), "unverified");
        Files.writeString(rootDir.resolve(".up.bin.netlab-upload.meta"), "netlab-upload 1\n");
        Files.createDirectories(rootDir.resolve(".d.netlab-upload"));
        Files.writeString(rootDir.resolve(".d.netlab-upload/in.txt"), "x");
        Files.createSymbolicLink(rootDir.resolve("link.bin"), rootDir.resolve(".up.bin.netlab-upload"));
        for (String p : new String[] {".up.bin.netlab-upload", ".up.bin.netlab-upload.meta", ".d.netlab-upload/in.txt",
                "link.bin"}) {
            assertThat(refusal(p)).as(p).isEqualTo(ErrorCode.NOT_FOUND);
        }
        assertThatThrownBy(() -> root.listable(".d.netlab-upload")).isInstanceOf(FileAccessException.class);
        // a name that only looks alike is served
        Files.writeString(rootDir.resolve("notes.netlab-upload"), "mine");
        FileRoot.OpenFile served = root.open("notes.netlab-upload");
        assertThat(served.size()).isEqualTo(4);
        served.channel().close();
    }

    @Test
    void messagesNeverShowTheServersAbsolutePaths() {
        try {
            root.open("escape/../../x");
        } catch (FileAccessException e) {
            assertThat(e.getMessage()).doesNotContain(tmp.toString());
        }
        try {
            root.open("missing.txt");
        } catch (FileAccessException e) {
            assertThat(e.getMessage()).isEqualTo("missing.txt: no such file on the server").doesNotContain(tmp.toString());
        }
    }

    @Test
    void controlCharactersInNamesAreEscapedInMessages() {
        try {
            root.open("evil\u001b[31m.txt");
            throw new AssertionError("served");
        } catch (FileAccessException e) {
            assertThat(e.getMessage()).contains("evil\\u001b[31m.txt").doesNotContain("\u001b");
        }
        assertThat("ok".getBytes(StandardCharsets.UTF_8)).hasSize(2);
    }

    @Test
    void aFileChangedSinceItWasOpenedIsToldApartFromOneReplacedOrLeftAlone() throws Exception {
        Path f = rootDir.resolve("ok.txt");
        FileRoot.OpenFile untouched = root.open("ok.txt");
        untouched.checkUnchanged();
        untouched.channel().close();

        FileRoot.OpenFile replaced = root.open("ok.txt");
        Path next = rootDir.resolve("ok.txt.new");
        Files.writeString(next, "other");
        Files.move(next, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        replaced.checkUnchanged();        // the open file is the old one, intact
        replaced.channel().close();

        FileRoot.OpenFile written = root.open("ok.txt");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertThatThrownBy(written::checkUnchanged).isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("ok.txt: changed while being sent (modified: ")
                .hasMessageContaining(" -> 2001-09-09T01:46:40Z").hasMessageEndingWith("); fetch it again");
        written.channel().close();

        FileRoot.OpenFile grown = root.open("ok.txt");
        Files.writeString(f, "other, and longer", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(grown::checkUnchanged).hasMessageContaining("(size: 5 -> 22, modified: ");
        grown.channel().close();
    }
}
