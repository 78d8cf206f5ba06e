package io.netlab.client;

import io.netlab.testing.SystemTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The built jars, run as separate processes exactly as a user runs them. */
class JarProcessIT {
    private static final Path SERVER_JAR = Path.of(System.getProperty("netlab.server.jar", "../netlab-server/target/netlab-server.jar"));
    private static final Path CLIENT_JAR = Path.of(System.getProperty("netlab.client.jar", "target/netlab-client.jar"));
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A running server process and everything it printed so far. */
    private final class Server {
        final Process process;
        final StringBuffer output = new StringBuffer();
        final int port;
        final Thread reader;

        Server(String... args) throws Exception {
            this(null, prepend(List.of(java(), "-jar", SERVER_JAR.toString()), args));
        }

        /** Runs {@code command} (a whole server command line) in {@code dir}, or in the test's directory. */
        Server(Path dir, String... command) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(command));
            cmd.addAll(List.of("--bind", "127.0.0.1"));
            process = new ProcessBuilder(cmd).directory((dir == null ? tmp : dir).toFile()).redirectErrorStream(true).start();
            started.add(process);
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.append(line).append('\n');
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Matcher m = LISTENING.matcher("");
            while (!(m = LISTENING.matcher(output)).find()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("server did not start: " + output);
                }
                Thread.onSpinWait();
                TimeUnit.MILLISECONDS.sleep(20);
            }
            port = Integer.parseInt(m.group(1));
        }

        /** Waits for the process to exit and for its output to be read to the end. */
        boolean awaitExit() throws InterruptedException {
            boolean exited = process.waitFor(20, TimeUnit.SECONDS);
            reader.join(5000);
            return exited;
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static String[] prepend(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(new String[0]);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Result client(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", CLIENT_JAR.toString()));
        cmd.addAll(List.of(args));
        return run(stdin, cmd);
    }

    /**
     * Runs the client jar through {@code sh -c script}, where {@code "$@"} stands for the client's command line
     * (java -jar netlab-client.jar args...): for a umask, or a descriptor ProcessBuilder cannot close.
     */
    private Result clientThroughShell(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh", java(), "-jar", CLIENT_JAR.toString()));
        cmd.addAll(List.of(args));
        return run(null, cmd);
    }

    private Result run(String stdin, List<String> cmd) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        started.add(p);
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theClientJarHoldsNoServerClassAndNoLoggingConfiguration() throws Exception {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(CLIENT_JAR.toFile())) {
            List<String> names = jar.stream().map(java.util.jar.JarEntry::getName).toList();
            assertThat(names).contains("io/netlab/client/cli/NetlabClient.class", "io/netlab/codec/FileFrameDecoder.class");
            assertThat(names).noneMatch(n -> n.startsWith("io/netlab/server/"));
            assertThat(names).noneMatch(n -> n.startsWith("ch/qos/logback/") || n.endsWith("logback.xml"));
        }
    }

    /** Every bundled third party, by where its classes sit in a runnable jar, and the name NOTICE gives it. */
    private static final java.util.Map<String, String> BUNDLED = java.util.Map.of("io/netty/", "Netty",
            "picocli/", "picocli", "org/slf4j/", "SLF4J", "ch/qos/logback/", "logback", "me/tongfei/", "progressbar",
            "org/jline/", "JLine");

    @Test
    void theRunnableJarsCarryTheLicenceAndANoticeNamingEveryBundledComponent() throws Exception {
        for (Path path : List.of(SERVER_JAR, CLIENT_JAR)) {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
                String license = new String(jar.getInputStream(jar.getEntry("META-INF/LICENSE")).readAllBytes(), StandardCharsets.UTF_8);
                assertThat(license).as(path + " META-INF/LICENSE").contains("Apache License", "Version 2.0, January 2004",
                        "END OF TERMS AND CONDITIONS");
                String notice = new String(jar.getInputStream(jar.getEntry("META-INF/NOTICE")).readAllBytes(), StandardCharsets.UTF_8);
                assertThat(notice).startsWith("netlab\nCopyright ");
                List<String> names = jar.stream().map(java.util.jar.JarEntry::getName).toList();
                for (var e : BUNDLED.entrySet()) {
                    if (names.stream().anyMatch(n -> n.startsWith(e.getKey()))) {
                        assertThat(notice).as(path + " bundles " + e.getKey()).contains(e.getValue());
                    }
                }
                assertThat(names).as(path + ": every top-level package is a known one")
                        .filteredOn(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                        .allMatch(n -> n.startsWith("io/netlab/") || BUNDLED.keySet().stream().anyMatch(n::startsWith));
                for (String text : List.of("NOTICE.netty.txt", "LICENSE.slf4j.txt", "LICENSE.logback.txt",
                        "LICENSE.progressbar.txt", "LICENSE.jline.txt")) {
                    assertThat(names).contains("META-INF/licenses/" + text);
                    assertThat(notice).contains("licenses/" + text);
                }
            }
        }
    }

    @Test
    void putUploadsToAWritableServerAndAReadOnlyOneSaysWhy() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("inbox"));
        byte[] data = new byte[2 * 1024 * 1024 + 5];
        new Random(11).nextBytes(data);
        Path local = Files.write(tmp.resolve("report.bin"), data);

        Server readOnly = new Server("0", "--root", root.toString());
        assertThat(readOnly.output.toString()).contains("read-only (start with --writable to take uploads)");
        Result refused = client(null, "put", local.toString(), "127.0.0.1:" + readOnly.port + ":report.bin");
        assertThat(refused.exit()).as("access denied").isEqualTo(7);
        assertThat(refused.err()).contains("server is read-only (started without --writable) [ACCESS_DENIED]");
        assertThat(root).isEmptyDirectory();

        Server server = new Server("0", "--root", root.toString(), "--writable", "--max-upload", "3M",
                "--min-free-space", "0");
        assertThat(server.output.toString()).contains("writable (uploads up to 3 MiB, keeping 0 bytes free, never "
                + "replacing a file)");
        Files.createDirectories(root.resolve("sub"));
        Result ok = client(null, "put", local.toString(), "127.0.0.1:" + server.port + ":sub/");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("put " + local + " -> 127.0.0.1:" + server.port + ":sub/report.bin: 2.0 MiB "
                + "(2097157 bytes) in ").contains("crc32c", "verified by the server");
        assertThat(root.resolve("sub/report.bin")).hasBinaryContent(data);
        Result top = client(null, "put", local.toString(), "127.0.0.1:" + server.port + ":report.bin");
        assertThat(top.exit()).as(top.err()).isZero();

        Result again = client(null, "put", local.toString(), "127.0.0.1:" + server.port + ":report.bin");
        assertThat(again.exit()).as("already exists").isEqualTo(13);
        assertThat(again.err()).contains("report.bin: exists on the server");

        Files.write(local, new byte[3 * 1024 * 1024 + 1]);
        Result big = client(null, "put", local.toString(), "127.0.0.1:" + server.port + ":big.bin");
        assertThat(big.exit()).as("too large").isEqualTo(14);
        assertThat(big.err()).contains("size: 3145729 (expected: <= 3145728, --max-upload) [TOO_LARGE]");
        assertThat(root.resolve("report.bin")).hasBinaryContent(data);
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.bin", "sub");
        }
    }

    @Test
    void fileServerAndClientDoTheLabsExerciseThree() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Server server = new Server("0", "--root", root.toString());

        Result ok = client(null, "127.0.0.1:" + server.port + ":data.bin", "copy.bin");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("fetched data.bin: 3.0 MiB (3145745 bytes) in ").contains("crc32c", "verified -> copy.bin");
        assertThat(tmp.resolve("copy.bin")).hasBinaryContent(data);

        Result again = client(null, "127.0.0.1:" + server.port + ":data.bin", "copy.bin");
        assertThat(again.exit()).as("local file error").isEqualTo(11);
        assertThat(again.err().strip()).isEqualTo("netlab-client: destination exists: copy.bin (use --force to replace it)");

        Result missing = client(null, "127.0.0.1:" + server.port + ":nope.bin", "nope.bin");
        assertThat(missing.exit()).as("not found").isEqualTo(6);
        assertThat(missing.err().strip()).isEqualTo("netlab-client: nope.bin: no such file on the server [NOT_FOUND]"
                + " (fetching nope.bin from 127.0.0.1:" + server.port + ')');
        assertThat(missing.err()).doesNotContain("Exception");
        assertThat(tmp.resolve("nope.bin")).doesNotExist();

        Result sha = client(null, "--digest", "sha256", "--block-size", "1048576", "--force",
                "127.0.0.1:" + server.port + ":data.bin", "copy.bin");
        assertThat(sha.exit()).as(sha.err()).isZero();
        assertThat(sha.out()).contains("sha256 ");
        assertThat(tmp.resolve("copy.bin")).hasBinaryContent(data);

        server.process.toHandle().destroy();   // SIGTERM, without closing our end of its output as Process.destroy() does
        assertThat(server.awaitExit()).isTrue();
        assertThat(server.output.toString()).contains("signal received: shutting down", "fetching data.bin");
    }

    @Test
    void theInstalledFileHasTheModeTheUmaskGives() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(root.resolve("data.txt"), "private data\n");
        Server server = new Server("0", "--root", root.toString());
        for (String[] umaskAndMode : new String[][] {{"077", "rw-------"}, {"027", "rw-r-----"}, {"002", "rw-rw-r--"}}) {
            Path copy = tmp.resolve("copy-" + umaskAndMode[0] + ".txt");
            Result r = clientThroughShell("umask " + umaskAndMode[0] + "; exec \"$@\"",
                    "127.0.0.1:" + server.port + ":data.txt", copy.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(copy).hasContent("private data");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
                    .as("umask %s, as cp and curl give", umaskAndMode[0]).isEqualTo(umaskAndMode[1]);
        }
    }

    @Test
    void aLocalPathEndingInASlashIsADirectoryThatMustExist() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(root.resolve("data.txt"), "data\n");
        Server server = new Server("0", "--root", root.toString());
        Result missing = client(null, "127.0.0.1:" + server.port + ":data.txt", "newdir/");
        assertThat(missing.exit()).as("local file error").isEqualTo(11);
        assertThat(missing.err()).isEqualTo("netlab-client: destination directory does not exist: newdir/\n");
        assertThat(tmp.resolve("newdir")).as("no file where a directory was asked for").doesNotExist();

        Files.writeString(tmp.resolve("plain"), "a file\n");
        Result notDir = client(null, "--force", "127.0.0.1:" + server.port + ":data.txt", "plain/");
        assertThat(notDir.exit()).as("local file error").isEqualTo(11);
        assertThat(notDir.err()).startsWith("netlab-client: destination: plain is not a directory");
        assertThat(tmp.resolve("plain")).hasContent("a file");

        Files.createDirectories(tmp.resolve("existing"));
        Result ok = client(null, "127.0.0.1:" + server.port + ":data.txt", "existing/");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(tmp.resolve("existing/data.txt")).hasContent("data");
    }

    @Test
    void standardOutputClosedIsAOneLineError() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        Files.write(root.resolve("data.bin"), new byte[100_000]);
        Server server = new Server("0", "--root", root.toString());
        String expected = "netlab-client: standard output is closed (or not open for writing): LOCAL_PATH '-' writes "
                + "the file there\n";
        Result closed = clientThroughShell("exec \"$@\" >&-", "127.0.0.1:" + server.port + ":data.bin", "-");
        assertThat(closed.exit()).as("local file error").isEqualTo(11);
        assertThat(closed.err()).isEqualTo(expected);
        // through the launcher, whose first run records a class-data archive at exit: the JVM crashed there (139)
        Path launcher = Path.of(System.getProperty("netlab.launcher", "../bin/netlab-client")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec \"$@\" >&-", "sh", "bash", launcher.toString(),
                "127.0.0.1:" + server.port + ":data.bin", "-").directory(tmp.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().put("NETLAB_JAR", CLIENT_JAR.toAbsolutePath().toString());
        Process p = pb.start();
        started.add(p);
        String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(11);
        assertThat(err).isEqualTo(expected);

        Result open = client(null, "127.0.0.1:" + server.port + ":data.bin", "-");
        assertThat(open.exit()).as(open.err()).isZero();
        assertThat(open.out()).hasSize(100_000);
    }

    @Test
    void sumServerAndClientDoTheLabsExerciseTwo() throws Exception {
        Server server = new Server("sum", "0", "--number", "17", "--name", "Server of Test");
        Result typed = client("Alice\nforty-two\n42\n", "sum", "127.0.0.1:" + server.port);
        assertThat(typed.exit()).as(typed.err()).isZero();
        assertThat(typed.out()).contains("'forty-two' is not a whole number; try again.", "Client name:   Alice",
                "Server name:   Server of Test", "Client number: 42", "Server number: 17",
                "Sum:           59 (checked: 42 + 17 = 59)");

        Result given = client(null, "sum", "127.0.0.1:" + server.port, "--name", "Bob", "--number", "1");
        assertThat(given.exit()).isZero();
        assertThat(given.out()).contains("Sum:           18");
        assertThat(server.output.toString()).contains("Client name: Alice | Server name: Server of Test",
                "Client number: 42 | Server number: 17 | Sum: 59");

        Result shutdown = client(null, "sum", "127.0.0.1:" + server.port, "--name", "Eve", "--number", "101");
        assertThat(shutdown.exit()).as("refused: out of range").isEqualTo(9);
        assertThat(shutdown.err()).contains("warning: 101 is outside 1..100",
                "netlab-client: the server refused: number: 101 (expected: 1..100); the server is shutting down [OUT_OF_RANGE]");
        assertThat(server.awaitExit()).as("the server exits by itself").isTrue();
        assertThat(server.process.exitValue()).isZero();
    }

    @Test
    void echoServerAndClientDoTheLabsExerciseOne() throws Exception {
        Server server = new Server("echo", "0");
        Result one = client(null, "echo", "127.0.0.1:" + server.port, "hello", "world");
        assertThat(one.exit()).isZero();
        assertThat(one.out()).isEqualTo("HELLO WORLD\n");
        Result typed = client("first line\nsecond\n", "echo", "127.0.0.1:" + server.port);
        assertThat(typed.out()).isEqualTo("FIRST LINE\nSECOND\n");
    }

    @Test
    void theEchoClientSendsEachLineSaysNoAndEscapesWhatItPrints() throws Exception {
        Server server = new Server("echo", "0");
        Result lines = client(null, "echo", "127.0.0.1:" + server.port, "first\nsecond", "part");
        assertThat(lines.exit()).as(lines.err()).isZero();
        assertThat(lines.out()).isEqualTo("FIRST\nSECOND PART\n");

        Result refused = client(null, "echo", "127.0.0.1:" + server.port, "x".repeat(9000));
        assertThat(refused.exit()).as("the server refused for another reason").isEqualTo(9);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).startsWith("netlab-client: the server refused: line longer than ").endsWith(" bytes\n");

        // what the server sends back is escaped: ESC (clear screen, CSI), BEL, a right-to-left override
        Result hostile = client("\u001b[2J\u0007ring \u202eevil\n\u009b31m red\n", "echo", "127.0.0.1:" + server.port);
        assertThat(hostile.exit()).as(hostile.err()).isZero();
        assertThat(hostile.out()).isEqualTo("\\u001b[2J\\u0007RING \\u202eEVIL\n\\u009b31M RED\n");
        Result title = client(null, "echo", "127.0.0.1:" + server.port, "\u001b]0;owned\u0007");
        assertThat(title.out()).isEqualTo("\\u001b]0;OWNED\\u0007\n");
    }

    @Test
    void anUnprivilegedServerRefusesAFileItMayNotRead() throws Exception {
        // root reads everything, so the server runs as nobody (setpriv), from a copy of its jar nobody can read
        assumeTrue(SystemTools.isRoot(), "the tests run as root");
        assumeTrue(SystemTools.works("setpriv", "--version"), "setpriv is installed");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "netlab-nobody");
        try {
            Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(SERVER_JAR, shared.resolve("netlab-server.jar"));
            Path served = Files.createDirectories(shared.resolve("served"));
            Files.setPosixFilePermissions(served, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path secret = Files.writeString(served.resolve("secret.txt"), "not for nobody\n");
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
            Files.writeString(served.resolve("open.txt"), "for everyone\n");
            Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(served.resolve("open.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Server server = new Server(shared, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    java(), "-jar", jar.toString(), "0", "--root", served.toString());
            Result denied = client(null, "127.0.0.1:" + server.port + ":secret.txt", "secret.txt");
            assertThat(denied.exit()).as("access denied").isEqualTo(7);
            assertThat(denied.err()).contains("netlab-client: secret.txt: permission denied on the server [ACCESS_DENIED]");
            Result ok = client(null, "127.0.0.1:" + server.port + ":open.txt", "open.txt");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(tmp.resolve("open.txt")).hasContent("for everyone");
        } finally {
            try (var files = Files.walk(shared)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * SIGKILL, then SIGTERM during a --continue run, leave the partial file (and its metadata), never anything under
     * the final name; a last run with -C continues it, says from which byte, and the result is byte for byte the file.
     */
    @Test
    void aKilledClientThenAStoppedResumeLeaveThePartialFileAndContinueFinishesIt() throws Exception {
        byte[] data = bigFile();
        Server server = new Server("0", "--root", tmp.resolve("served").toString());
        Path downloads = Files.createDirectories(tmp.resolve("killed"));
        long killedAt = interruptMidTransfer(server, downloads, true, 0);
        assertOnlyThePartialFile(downloads, killedAt, data);

        long stoppedAt = interruptMidTransfer(server, downloads, false, killedAt, "--continue");
        assertThat(stoppedAt).as("the resumed run appended").isGreaterThan(killedAt);
        assertOnlyThePartialFile(downloads, stoppedAt, data);

        Result done = client(null, "-C", "127.0.0.1:" + server.port + ":big.bin", downloads.resolve("big.bin").toString());
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.err()).isEmpty();
        assertThat(done.out()).startsWith("fetched big.bin: 8.0 MiB (8388608 bytes) in ")
                .contains("crc32c", " verified -> ").endsWith(", resumed at byte " + stoppedAt + " of 8388608\n");
        assertThat(downloads.resolve("big.bin")).hasBinaryContent(data);
        try (var files = Files.list(downloads)) {
            assertThat(files).containsExactly(downloads.resolve("big.bin"));
        }
    }

    /** A plain fetch stopped by SIGTERM keeps its partial file too; the next plain fetch discards it, and says so. */
    @Test
    void aClientStoppedWithSigtermKeepsItsPartialFileAndAFetchWithoutContinueDiscardsIt() throws Exception {
        byte[] data = bigFile();
        Server server = new Server("0", "--root", tmp.resolve("served").toString());
        Path downloads = Files.createDirectories(tmp.resolve("stopped"));
        long stoppedAt = interruptMidTransfer(server, downloads, false, 0);
        assertOnlyThePartialFile(downloads, stoppedAt, data);

        Result again = client(null, "127.0.0.1:" + server.port + ":big.bin", downloads.resolve("big.bin").toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).isEqualTo("netlab-client: discarding " + downloads.resolve(".big.bin.netlab-partial")
                + ", the partial file an earlier fetch left (" + stoppedAt + " bytes; --continue would resume it)\n");
        assertThat(again.out()).doesNotContain("resumed");
        assertThat(downloads.resolve("big.bin")).hasBinaryContent(data);
        try (var files = Files.list(downloads)) {
            assertThat(files).containsExactly(downloads.resolve("big.bin"));
        }

        Result toStdout = client(null, "--continue", "127.0.0.1:" + server.port + ":big.bin", "-");
        assertThat(toStdout.exit()).isEqualTo(2);
        assertThat(toStdout.err()).startsWith("netlab-client: --continue: LOCAL_PATH is '-' (expected: a file; "
                + "standard output keeps no partial file)\n");
    }

    private byte[] bigFile() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("served"));
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(8).nextBytes(data);
        Files.write(root.resolve("big.bin"), data);
        return data;
    }

    private static void assertOnlyThePartialFile(Path downloads, long length, byte[] data) throws IOException {
        try (var files = Files.list(downloads)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(".big.bin.netlab-partial", ".big.bin.netlab-partial.meta");
        }
        assertThat(length).isBetween(1L, 8L * 1024 * 1024 - 1);
        assertThat(Files.readAllBytes(downloads.resolve(".big.bin.netlab-partial")))
                .isEqualTo(java.util.Arrays.copyOf(data, (int) length));
    }

    /**
     * Fetches the 8 MiB file through a 1 MiB/s relay and stops the client (SIGKILL or SIGTERM) once its partial file
     * holds more than {@code above} bytes; returns what the partial file holds then.
     */
    private long interruptMidTransfer(Server server, Path downloads, boolean kill, long above, String... options)
            throws Exception {
        try (FaultProxy slow = new FaultProxy(new java.net.InetSocketAddress("127.0.0.1", server.port),
                FaultProxy.Fault.RATE, 0, 1024 * 1024)) {
            List<String> cmd = new ArrayList<>(List.of(java(), "-jar", CLIENT_JAR.toString()));
            cmd.addAll(List.of(options));
            cmd.addAll(List.of("127.0.0.1:" + slow.port() + ":big.bin", downloads.resolve("big.bin").toString()));
            Process client = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            started.add(client);
            for (int i = 0; i < 2000 && partBytes(downloads) <= above; i++) {
                TimeUnit.MILLISECONDS.sleep(10);    // until some (more) data is on disk
            }
            if (kill) {
                client.destroyForcibly();           // SIGKILL: no shutdown hook, no clean-up
            } else {
                client.toHandle().destroy();        // SIGTERM: the shutdown hook keeps the partial file
            }
            assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(downloads.resolve("big.bin")).doesNotExist();
        return partBytes(downloads);
    }

    private static long partBytes(Path dir) throws IOException {
        Path partial = dir.resolve(".big.bin.netlab-partial");
        return Files.exists(partial) ? Files.size(partial) : 0;
    }

    /** Runs {@code shellCommand} with a pseudo-terminal as its standard streams (util-linux script); its output. */
    private Result onATerminal(String shellCommand) throws Exception {
        assumeTrue(SystemTools.works("script", "--version"),
                "script (util-linux) is available");
        Process p = new ProcessBuilder("script", "-qec", shellCommand, "/dev/null").directory(tmp.toFile())
                .redirectErrorStream(true).start();
        started.add(p);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, "");
    }

    @Test
    void theProgressBarShowsWheneverStandardErrorIsATerminalAndEndsOnTheSummarysRate() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(data);
        Files.write(root.resolve("big.bin"), data);
        Server server = new Server("0", "--root", root.toString());
        String client = java() + " -jar " + CLIENT_JAR.toAbsolutePath();
        try (FaultProxy slow = new FaultProxy(new java.net.InetSocketAddress("127.0.0.1", server.port),
                FaultProxy.Fault.RATE, 0, 2 * 1024 * 1024)) {
            // standard output is a file, so there is no console (System.console() is null): the bar shows anyway
            Result bar = onATerminal(client + " 127.0.0.1:" + slow.port() + ":big.bin copy.bin > summary.txt");
            assertThat(bar.exit()).as(bar.out()).isZero();
            String summary = Files.readString(tmp.resolve("summary.txt"));
            Matcher rate = Pattern.compile("\\(([0-9.]+ MiB/s)\\)").matcher(summary);
            assertThat(rate.find()).as(summary).isTrue();
            List<String> frames = List.of(bar.out().split("[\r\n]+")).stream().filter(f -> f.contains("%")).toList();
            assertThat(frames).as(bar.out()).isNotEmpty();
            assertThat(frames.get(frames.size() - 1)).as(bar.out()).contains("big.bin", "100%", "3/3 MiB", rate.group(1));

            Result none = onATerminal(client + " --no-progress 127.0.0.1:" + slow.port() + ":big.bin copy2.bin > summary2.txt");
            assertThat(none.exit()).as(none.out()).isZero();
            assertThat(none.out()).doesNotContain("%");
        }
        assertThat(tmp.resolve("copy.bin")).hasBinaryContent(data);
    }

    @Test
    void standardOutputOnATerminalTakesTextButRefusesBinaryUnlessForced() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        Files.write(root.resolve("data.bin"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
        Files.writeString(root.resolve("notes.txt"), "plain text\n");
        Server server = new Server("0", "--root", root.toString());
        String client = java() + " -jar " + CLIENT_JAR.toAbsolutePath() + " 127.0.0.1:" + server.port + ':';

        Result binary = onATerminal(client + "data.bin -");
        assertThat(binary.exit()).as(binary.out()).isEqualTo(11);
        assertThat(binary.out()).contains("netlab-client: the file is binary: not writing it to a terminal "
                + "(redirect standard output, or use --force)").doesNotContain("ELF");

        Result forced = onATerminal(client + "data.bin - --force");
        assertThat(forced.exit()).as(forced.out()).isZero();
        assertThat(forced.out()).contains("ELF", "-> standard output");

        Result text = onATerminal(client + "notes.txt -");
        assertThat(text.exit()).as(text.out()).isZero();
        assertThat(text.out()).contains("plain text", "-> standard output");
    }

    /** Runs a command to its end; its exit code and everything it printed. */
    private Result run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        started.add(p);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, "");
    }

    @Test
    void anUnprivilegedServerSaysWhyItCannotStart() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "the tests run as root");
        assumeTrue(SystemTools.works("setpriv", "--version"), "setpriv is available");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "netlab-nobody");
        try {
            Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(SERVER_JAR, shared.resolve("netlab-server.jar"));
            Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Path closed = Files.createDirectories(shared.resolve("closed"));
            Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java(), "-jar",
                    jar.toString());

            Result root = run(shared, prepend(nobody, "0", "--bind", "127.0.0.1", "--root", closed.toString()));
            assertThat(root.exit()).as(root.out()).isEqualTo(2);
            assertThat(root.out()).startsWith("netlab-server: --root: " + closed + " is not a readable directory "
                    + "(permission denied)\n");

            // in a fresh network namespace, where net.ipv4.ip_unprivileged_port_start has its default (containers often
            // lower it to 0 or 1)
            assumeTrue(SystemTools.works("unshare", "-n", "true") && SystemTools.works("ip", "-V"),
                "unshare -n and ip work here");
            Result privileged = run(shared, "unshare", "-n", "bash", "-c", "ip link set lo up || exit 90; exec "
                    + String.join(" ", nobody) + " echo 80 --bind 127.0.0.1");
            assumeTrue(privileged.exit() != 90, "ip is available");
            assertThat(privileged.exit()).as(privileged.out()).isEqualTo(1);
            assertThat(privileged.out()).isEqualTo("netlab-server: cannot listen on 127.0.0.1:80: permission denied: port 80 "
                + "is privileged (it needs root or CAP_NET_BIND_SERVICE; use a port above 1023)\n");
        } finally {
            try (var files = Files.walk(shared)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** In a network namespace with only a loopback (a container's), Netty finds no hardware address: no warning. */
    @Test
    void noHardwareAddressWarningWhereThereIsNoNetworkCard() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "the tests run as root");
        assumeTrue(SystemTools.works("unshare", "-n", "true") && SystemTools.works("ip", "-V"),
                "unshare -n and ip work here");
        String script = String.join("\n",
                "ip link set lo up || exit 90",
                java() + " -jar " + SERVER_JAR.toAbsolutePath() + " echo 0 --bind 127.0.0.1 > server.log 2>&1 &",
                "pid=$!",
                "for i in $(seq 300); do grep -q 'listening on' server.log && break; sleep 0.1; done",
                "port=$(sed -n 's/.*listening on 127.0.0.1:\\([0-9]*\\).*/\\1/p' server.log)",
                java() + " -jar " + CLIENT_JAR.toAbsolutePath() + " echo 127.0.0.1:$port hello",
                "kill -TERM $pid; wait $pid",
                "cat server.log");
        Result r = run(tmp, "unshare", "-n", "bash", "-c", script);
        assumeTrue(r.exit() != 90, "ip is available");
        assertThat(r.out()).as(r.out()).contains("HELLO", "netlab echo server listening on 127.0.0.1:")
                .doesNotContain("hardware address", "WARN");
    }

    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "TERM", 15);

    /** Whether process {@code pid} ignores {@code signal} (a shell without job control starts '&' jobs so for INT). */
    private static boolean ignores(long pid, String signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (SIGNALS.get(signal) - 1))) != 0;
            }
        }
        return false;
    }

    /** A graceful stop on a signal is a normal stop: every server exits 0, as --help says. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "HUP"})
    void aSignalStopsEveryServerGracefullyWithExitCodeZero(String signal) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        List<Server> servers = List.of(new Server("0", "--root", root.toString()), new Server("sum", "0"),
                new Server("echo", "0"));
        for (Server s : servers) {
            assumeFalse(ignores(s.process.pid(), signal), "SIG" + signal + " is ignored by the processes started here");
            assertThat(run(tmp, "kill", "-s", signal, Long.toString(s.process.pid())).exit()).isZero();
        }
        for (Server s : servers) {
            assertThat(s.awaitExit()).as(s.output.toString()).isTrue();
            assertThat(s.process.exitValue()).as(s.output.toString()).isZero();
            assertThat(s.output.toString()).contains("signal received: shutting down (SIG" + signal + ")", "server stopped");
        }
        Process helpProcess = new ProcessBuilder(java(), "-jar", SERVER_JAR.toString(), "--help").start();
        started.add(helpProcess);
        String serverHelp = new String(helpProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(serverHelp.replaceAll("\\s+", " ")).contains("0 stopped normally: by SIGTERM, SIGINT or SIGHUP after the graceful close");
    }

    /** A second signal during the graceful close stops the server at once, with 128 + the signal's number. */
    @Test
    void aSecondSignalStopsAtOnce() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        try (java.io.RandomAccessFile big = new java.io.RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            big.setLength(256L * 1024 * 1024);      // sparse: more than any socket buffers hold
        }
        Server server = new Server("0", "--root", root.toString(), "--grace", "60");
        io.netty.channel.embedded.EmbeddedChannel encoder = new io.netty.channel.embedded.EmbeddedChannel(
                io.netlab.codec.FileFrameEncoder.INSTANCE);
        encoder.writeOutbound(new io.netlab.codec.FileRequest("big.bin", 65536));
        io.netty.buffer.ByteBuf request = encoder.readOutbound();
        byte[] requestBytes = io.netty.buffer.ByteBufUtil.getBytes(request);
        request.release();
        encoder.finishAndReleaseAll();
        try (java.net.Socket stalled = new java.net.Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", server.port));
            stalled.getOutputStream().write(requestBytes);     // and never read: the transfer stays in progress
            for (int i = 0; i < 1000 && !server.output.toString().contains("fetching big.bin"); i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            server.process.toHandle().destroy();    // SIGTERM: the graceful close waits up to 60 s for the transfer
            for (int i = 0; i < 1000 && !server.output.toString().contains("waiting up to 60 s"); i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(server.output.toString()).contains("waiting up to 60 s for 1 connection(s) to finish");
            long second = System.nanoTime();
            server.process.toHandle().destroy();    // a second SIGTERM
            assertThat(server.awaitExit()).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - second)).isLessThan(10);
            assertThat(server.process.exitValue()).as(server.output.toString()).isEqualTo(128 + 15);
            assertThat(server.output.toString()).contains("second signal (SIGTERM): stopping now")
                    .doesNotContain("sent big.bin");
        }
    }

    @Test
    void theLauncherScriptRecordsAClassDataArchiveAndThenUsesIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(root.resolve("a.txt"), "via the launcher\n");
        Server server = new Server("0", "--root", root.toString());
        Path launcher = Path.of(System.getProperty("netlab.launcher", "../bin/netlab-client")).toAbsolutePath();
        Path cache = tmp.resolve("cache");
        for (int run = 1; run <= 2; run++) {
            ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "127.0.0.1:" + server.port + ":a.txt",
                    "copy" + run + ".txt").directory(tmp.toFile()).redirectErrorStream(true);
            pb.environment().put("XDG_CACHE_HOME", cache.toString());
            pb.environment().put("NETLAB_JAR", CLIENT_JAR.toAbsolutePath().toString());
            Process p = pb.start();
            started.add(p);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).startsWith("fetched a.txt: 17 B in ").doesNotContain("warning", "cds");
            assertThat(tmp.resolve("copy" + run + ".txt")).hasContent("via the launcher");
            assertThat(cache.resolve("netlab/netlab-client.jsa")).as("archive after run %d", run).exists();
        }
    }

    @Test
    void aSelfSignedServerIsReachedByPinningTheFingerprintItPrints() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served-tls"));
        Files.writeString(root.resolve("data.txt"), "over TLS\n");
        Server server = new Server("0", "--root", root.toString(), "--tls-self-signed");
        Matcher printed = Pattern.compile("certificate (SHA256:[0-9a-f]{64}) \\(clients pin it").matcher(server.output);
        assertThat(printed.find()).as(server.output.toString()).isTrue();
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(Path::getFileName).map(Path::toString))
                    .as("the certificate's key is not left in a file").noneMatch(n -> n.startsWith("keyutil_localhost"));
        }

        Path copy = tmp.resolve("tls-copy.txt");
        Result pinned = client(null, "--tls", "--tls-fingerprint", printed.group(1),
                "127.0.0.1:" + server.port + ":data.txt", copy.toString());
        assertThat(pinned.exit()).as(pinned.err()).isZero();
        assertThat(copy).hasContent("over TLS");

        Result other = client(null, "--tls", "--tls-fingerprint", "SHA256:" + "0".repeat(64),
                "127.0.0.1:" + server.port + ":data.txt", tmp.resolve("never.txt").toString());
        assertThat(other.exit()).as(other.err()).isNotZero();
        assertThat(other.err()).contains("the server's certificate is " + printed.group(1));
        assertThat(tmp.resolve("never.txt")).doesNotExist();
    }

    @Test
    void badCommandLinesAndUnreachableServersSayWhy() throws Exception {
        Result usage = client(null, "localhost:9");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).isEqualTo("netlab-client: 'localhost:9': no remote path (expected: SERVER:PORT:REMOTE_PATH)\n"
                + "Try 'netlab-client --help' for more information.\n");

        Result refused = client(null, "127.0.0.1:1:x", "x");
        assertThat(refused.exit()).as("cannot connect").isEqualTo(3);
        assertThat(refused.err().strip()).isEqualTo("netlab-client: connection refused: 127.0.0.1:1 (is the server running on that port?)");

        Result help = client(null, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("SERVER:PORT:REMOTE_PATH", "LOCAL_PATH", "--block-size", "sum", "echo");
    }

    @Test
    void listsAndFetchesATreeAndSeveralFilesOverOneConnection() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        Files.createDirectories(root.resolve("docs/sub"));
        Files.writeString(root.resolve("docs/a.txt"), "alpha\n");
        Files.writeString(root.resolve("docs/sub/b.txt"), "bravo\n");
        Files.writeString(tmp.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(root.resolve("docs/leak"), tmp.resolve("secret.txt"));
        Server server = new Server("0", "--root", root.toString());
        String at = "127.0.0.1:" + server.port;

        Result ls = client(null, "ls", at + ":docs");
        assertThat(ls.exit()).as(ls.err()).isZero();
        assertThat(ls.out()).containsPattern("(?m)^- +6  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  a\\.txt$")
                .containsPattern("(?m)^d .*  sub/$").containsPattern("(?m)^s .*  leak$");
        Result json = client(null, "ls", "--json", "-r", at);
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("{\"path\": \"docs/sub/b.txt\", \"type\": \"file\", \"size\": 6, \"modified\": \"")
                .contains("{\"path\": \"docs/leak\", \"type\": \"skipped\", \"size\": 0");

        Result tree = client(null, "-r", at + ":docs", "copy");
        assertThat(tree.exit()).as(tree.err()).isZero();
        assertThat(tree.out()).startsWith("fetched 2 files: 12 B in ").contains("-> copy, 1 skipped");
        assertThat(tree.err()).contains("netlab-client: skipped " + at + ":docs/leak");
        assertThat(tmp.resolve("copy/a.txt")).hasContent("alpha\n");
        assertThat(tmp.resolve("copy/sub/b.txt")).hasContent("bravo\n");
        assertThat(tmp.resolve("copy/leak")).doesNotExist();

        Files.createDirectories(tmp.resolve("several"));
        Result several = client(null, at + ":docs/a.txt", at + ":docs/sub/b.txt", "several");
        assertThat(several.exit()).as(several.err()).isZero();
        assertThat(several.out()).startsWith("fetched 2 files: 12 B in ");
        assertThat(tmp.resolve("several/b.txt")).hasContent("bravo\n");

        Files.createDirectories(tmp.resolve("several2"));
        Result missing = client(null, at + ":docs/a.txt", at + ":docs/nothing", "several2");
        assertThat(missing.exit()).as("exit code of a missing file").isEqualTo(6);
        assertThat(missing.err()).contains("docs/nothing: no such file on the server");
        assertThat(server.output.toString()).contains("listed docs recursively (4 entries)");
    }
}
