package io.netlab.client.cli;

import io.netlab.codec.ListEntry;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command lines of several files, trees and {@code ls}, in-process against a real server. */
class MultiFetchCommandTest {
    @TempDir
    Path served;
    @TempDir
    Path work;

    private record Run(int exit, String out, String err) {
    }

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = NetlabClient.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private RunningServer server() throws Exception {
        return FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).port(0).threads(1).root(served).start();
    }

    @Test
    void aTreeGoesIntoAnExistingDirectoryUnderItsOwnNameAndBecomesAMissingOne() throws Exception {
        Files.createDirectories(served.resolve("d/e"));
        Files.writeString(served.resolve("d/e/f.txt"), "f\n");
        try (RunningServer server = server()) {
            String at = "127.0.0.1:" + server.localAddress().getPort();
            Run into = run("-q", "-r", at + ":d", work.toString());
            assertThat(into.exit()).as(into.err()).isZero();
            assertThat(work.resolve("d/e/f.txt")).hasContent("f\n");
            Run becomes = run("-q", "--recursive", at + ":d/", work.resolve("new").toString());
            assertThat(becomes.exit()).as(becomes.err()).isZero();
            assertThat(work.resolve("new/e/f.txt")).hasContent("f\n");
            Run again = run("-q", "-r", at + ":d", work.toString());
            assertThat(again.exit()).as("an existing file is not replaced without --force").isEqualTo(11);
            assertThat(again.err()).contains("destination exists: ");
            Run forced = run("-q", "-r", "-f", at + ":d", work.toString());
            assertThat(forced.exit()).as(forced.err()).isZero();
        }
    }

    @Test
    void severalFilesNeedAnExistingDirectoryAndNoStandardOutput() throws Exception {
        Files.writeString(served.resolve("a"), "a");
        try (RunningServer server = server()) {
            String at = "127.0.0.1:" + server.localAddress().getPort();
            Run noDir = run(at + ":a", at + ":a", work.resolve("missing").toString());
            assertThat(noDir.exit()).isEqualTo(11);
            assertThat(noDir.err()).contains("destination directory does not exist");
            Run stdout = run(at + ":a", at + ":a", "-");
            assertThat(stdout.exit()).isEqualTo(2);
            Run raw = run("--raw", "-r", at + ":a", work.toString());
            assertThat(raw.exit()).isEqualTo(2);
        }
    }

    @Test
    void lsPrintsTypesSizesAndTimesAndRefusals() throws Exception {
        Files.writeString(served.resolve("a.txt"), "12345");
        Files.createDirectories(served.resolve("dir"));
        try (RunningServer server = server()) {
            String at = "127.0.0.1:" + server.localAddress().getPort();
            Run ls = run("ls", at);
            assertThat(ls.exit()).as(ls.err()).isZero();
            assertThat(ls.out().lines().toList()).hasSize(2);
            assertThat(ls.out()).containsPattern("(?m)^- 5  .*  a\\.txt$").containsPattern("(?m)^d 0  .*  dir/$");
            assertThat(run("ls", at + ":").out()).isEqualTo(ls.out());
            Run missing = run("ls", at + ":nothing");
            assertThat(missing.exit()).isEqualTo(6);
            Run outside = run("ls", at + ":../");
            assertThat(outside.exit()).isEqualTo(7);
        }
    }

    @Test
    void jsonNamesAreEscaped() {
        String json = ListCommand.json(List.of(new ListEntry(ListEntry.Kind.FILE, 3, 0, "quote\"tab\tend")));
        assertThat(json).isEqualTo("[\n  {\"path\": \"quote\\\"tab\\tend\", \"type\": \"file\", \"size\": 3, "
                + "\"modified\": \"1970-01-01T00:00:00Z\"}\n]\n");
        assertThat(ListCommand.json(List.of())).isEqualTo("[]\n");
        assertThat(ListCommand.quote("back\\slash\u0001")).isEqualTo("\"back\\\\slash\\u0001\"");
        assertThat(MultiFetchCommand.treeName("a/b/")).isEqualTo("b");
        assertThat(MultiFetchCommand.treeName("/")).isEqualTo("root");
        assertThat(MultiFetchCommand.treePath(".")).isEmpty();
    }
}
