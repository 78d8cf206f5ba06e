package io.netlab.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lab in two containers, as the README runs it: the image built from {@code Containerfile} and the runnable
 * jars, the three servers in one container, the clients in another, on a user-defined network, the clients waiting
 * with {@code --connect-retry}; then the same through {@code compose.yaml}. It runs wherever podman (or docker)
 * can run containers, on a base image made from this machine's JDK ({@code container/make-local-base.sh}: no
 * registry is needed); otherwise it is skipped with what failed. Where podman's defaults cannot start a container
 * (crun on hybrid cgroups, or a hard open-files limit below podman's default, as on netlab's CI), it retries once
 * with a {@code containers.conf} that picks runc and lower limits.
 */
class ContainerIT {
    private static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath().normalize();
    private static final String TAG = "it" + ProcessHandle.current().pid();
    private static final String BASE = "localhost/netlab-base:" + TAG;
    private static final String IMAGE = "localhost/netlab:" + TAG;
    private static final Duration STEP = Duration.ofMinutes(3);

    /** The engine that runs containers here ({@code podman} or {@code docker}), or null. */
    private static String engine;
    /** Why the tests are skipped here (what failed), or null when the image is built. */
    private static String skipped;
    /** The environment every engine command gets (CONTAINERS_CONF when podman needs it). */
    private static final Map<String, String> ENV = new HashMap<>();
    private static Path scratch;
    private static final List<String[]> CLEANUP = new ArrayList<>();
    /** How the image was made, and what it cost (published in each test's report). */
    private static final StringBuilder SETUP = new StringBuilder();

    @TempDir
    Path tmp;

    /** What a command did. */
    private record Result(int code, String out, String err) {
        boolean ok() {
            return code == 0;
        }

        /** The command's first lines of output, for a message. */
        String said() {
            String all = (err.strip() + "\n" + out.strip()).strip();
            List<String> lines = all.lines().filter(l -> !l.isBlank()).limit(4).toList();
            return lines.isEmpty() ? "exit code " + code : String.join(" / ", lines) + " (exit code " + code + ')';
        }
    }

    private static Process start(Path out, Path err, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(ENV);
        return pb.start();
    }

    /** Runs {@code cmd} and waits for it (at most {@link #STEP}); a program that is not installed gives 127. */
    private static Result run(String... cmd) throws Exception {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process p;
        try {
            p = start(out, err, cmd);
        } catch (IOException notInstalled) {
            return new Result(127, "", cmd[0] + ": not installed (" + notInstalled.getMessage() + ')');
        }
        return await(p, out, err, cmd);
    }

    private static Result await(Process p, Path out, Path err, String... cmd) throws Exception {
        if (!p.waitFor(STEP.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, Files.readString(out), Files.readString(err) + "\n" + String.join(" ", cmd)
                    + ": did not finish in " + STEP.toMinutes() + " min");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String[] cmd(String... words) {
        String[] all = new String[words.length + 1];
        all[0] = engine;
        System.arraycopy(words, 0, all, 1, words.length);
        return all;
    }

    /** Runs an engine command that must succeed. */
    private static Result must(String... words) throws Exception {
        Result r = run(cmd(words));
        assertThat(r.code).as("%s %s: %s", engine, String.join(" ", words), r.said()).isZero();
        return r;
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @BeforeAll
    static void buildTheImage() throws Exception {
        // a passing build prints no test output: what the set-up found and cost goes into the test report
        skipped = makeTheImage();
    }

    /** Makes the base image and the image; {@return null, or why the tests cannot run here} */
    private static String makeTheImage() throws Exception {
        scratch = Files.createTempDirectory("netlab-container-it");
        Path serverJar = ROOT.resolve("netlab-server/target/netlab-server.jar");
        Path clientJar = ROOT.resolve("netlab-client/target/netlab-client.jar");
        assertThat(serverJar).as("the runnable jars are built before the integration tests").exists();
        assertThat(clientJar).exists();
        List<String> why = new ArrayList<>();
        // -Dnetlab.container.engines=docker tries docker only
        for (String candidate : System.getProperty("netlab.container.engines", "podman,docker").split(",")) {
            Result info = run(candidate, "info");
            if (info.ok()) {
                engine = candidate;
                break;
            }
            why.add(candidate + " info: " + info.said());
        }
        if (engine == null) {
            return "no container engine here: " + String.join("; ", why);
        }
        long start = System.nanoTime();
        ENV.put("JAVA_HOME", System.getProperty("java.home"));
        Result base = run("sh", ROOT.resolve("container/make-local-base.sh").toString(), engine, BASE);
        if (!base.ok()) {
            return "cannot make a base image from this machine's JDK: " + base.said();
        }
        CLEANUP.add(cmd("rmi", "-f", BASE));
        long baseMillis = millisSince(start);
        Result probe = run(cmd("run", "--rm", BASE, "java", "-version"));
        if (!probe.ok() && engine.equals("podman")) {
            // e.g. "crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted" (podman raises the open-files limit to
            // 1048576, which needs CAP_SYS_RESOURCE above the hard limit) or "crun: cgroups in hybrid mode not
            // supported, drop all controllers from cgroupv2": runc and limits no higher than they are here
            Path conf = scratch.resolve("containers.conf");
            Files.writeString(conf, "[containers]\ndefault_ulimits = [\"nofile=4096:4096\", \"nproc=4096:4096\"]\n"
                    + (run("runc", "--version").ok() ? "[engine]\nruntime = \"runc\"\n" : ""));
            ENV.put("CONTAINERS_CONF", conf.toString());
            Result again = run(cmd("run", "--rm", BASE, "java", "-version"));
            if (!again.ok()) {
                return "podman cannot run a container here: `podman run --rm " + BASE + " java -version`: "
                        + probe.said() + "; with runc and lower ulimits (containers.conf): " + again.said();
            }
            SETUP.append("podman runs containers with ").append(Files.readString(conf).replace('\n', ' '))
                    .append("(its defaults: ").append(probe.said()).append("); ");
        } else if (!probe.ok()) {
            return engine + " cannot run a container here: `" + engine + " run --rm " + BASE + " java -version`: "
                    + probe.said();
        }
        long build = System.nanoTime();
        must("build", "-q", "--build-arg", "BASE=" + BASE, "-t", IMAGE, "-f", ROOT.resolve("Containerfile").toString(),
                ROOT.toString());
        CLEANUP.add(0, cmd("rmi", "-f", IMAGE));
        SETUP.append(engine).append(": base image ").append(baseMillis).append(" ms, image build ")
                .append(millisSince(build)).append(" ms");
        return null;
    }

    @AfterAll
    static void removeEverything() throws Exception {
        for (String[] c : CLEANUP) {
            run(c);
        }
        if (scratch != null) {
            try (var files = Files.walk(scratch)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private Path labFile() throws IOException {
        Path files = Files.createDirectories(tmp.resolve("lab-files"));
        byte[] content = new byte[2_500_000];
        new Random(2).nextBytes(content);
        return Files.write(files.resolve("lab-file.bin"), content);
    }

    @Test
    void theClientContainerReachesTheServersContainerOverAUserDefinedNetwork(TestReporter report) throws Exception {
        assumeTrue(skipped == null, skipped);
        report.publishEntry("setup", SETUP.toString());
        long start = System.nanoTime();
        Path served = labFile();
        Path downloads = Files.createDirectories(tmp.resolve("downloads"));
        String network = "netlab-" + TAG;
        String servers = "netlab-servers-" + TAG;
        must("network", "create", network);
        try {
            // the client starts first: the servers' name does not resolve yet, then their ports refuse while the
            // JVMs start; --connect-retry waits through both
            Path out = tmp.resolve("fetch.out");
            Path err = tmp.resolve("fetch.err");
            String[] fetch = cmd("run", "--rm", "--network", network, "-v", downloads + ":/downloads", IMAGE,
                    "netlab-client", "--connect-retry", "90s", servers + ":9000:lab-file.bin", "/downloads/");
            Process client = start(out, err, fetch);
            TimeUnit.MILLISECONDS.sleep(1500);
            assertThat(client.isAlive()).as("the client gave up before the servers started: %s %s",
                    Files.readString(out), Files.readString(err)).isTrue();
            must("run", "-d", "--name", servers, "--network", network, "-v", served.getParent() + ":/srv/lab:ro",
                    "-e", "NETLAB_SUM_NAME=Server of John Q. Smith", "-e", "NETLAB_SUM_NUMBER=33", IMAGE);
            Result fetched = await(client, out, err, fetch);
            assertThat(fetched.code).as(fetched.said()).isZero();
            assertThat(fetched.out).startsWith("fetched lab-file.bin: 2.4 MiB (2500000 bytes) in ")
                    .contains("verified -> /downloads/lab-file.bin");
            assertThat(Files.readAllBytes(downloads.resolve("lab-file.bin"))).isEqualTo(Files.readAllBytes(served));

            Result sum = must("run", "--rm", "--network", network, IMAGE, "netlab-client", "sum", "--connect-retry", "30s",
                    servers + ":9001", "--name", "Client of Ana", "--number", "42");
            assertThat(sum.out).isEqualTo("Client name:   Client of Ana\nServer name:   Server of John Q. Smith\n"
                    + "Client number: 42\nServer number: 33\nSum:           75 (checked: 42 + 33 = 75)\n");

            Result echo = must("run", "--rm", "--network", network, IMAGE, "netlab-client", "echo", "--connect-retry",
                    "30s", servers + ":9002", "hello from the other container");
            assertThat(echo.out).isEqualTo("HELLO FROM THE OTHER CONTAINER\n");

            // podman/docker stop: SIGTERM to the script, which stops the three servers gracefully, exit code 0
            must("stop", "-t", "20", servers);
            assertThat(must("inspect", servers, "--format", "{{.State.ExitCode}}").out.strip()).isEqualTo("0");
            Result logs = must("logs", servers);
            assertThat(logs.out + logs.err).contains("sent lab-file.bin", "Client name: Client of Ana | Server name: "
                    + "Server of John Q. Smith", "Client number: 42 | Server number: 33 | Sum: 75",
                    "netlab file server stopped", "netlab sum server stopped", "netlab echo server stopped");
        } finally {
            run(cmd("rm", "-f", servers));
            run(cmd("network", "rm", network));
        }
        report.publishEntry("time", "two containers, fetch + sum + echo + stop: " + millisSince(start) + " ms");
    }

    @Test
    void composeRunsTheLab(TestReporter report) throws Exception {
        assumeTrue(skipped == null, skipped);
        report.publishEntry("setup", SETUP.toString());
        String[] compose = engine.equals("podman") ? new String[] {"podman-compose"} : new String[] {"docker", "compose"};
        Result version = run(concat(compose, "version"));
        assumeTrue(version.ok(), String.join(" ", compose) + " is not available: " + version.said());
        long start = System.nanoTime();
        Path served = labFile();
        Path downloads = Files.createDirectories(tmp.resolve("downloads"));
        String project = "netlab-" + TAG;
        ENV.put("NETLAB_IMAGE", IMAGE);
        ENV.put("NETLAB_FILES", served.getParent().toString());
        ENV.put("NETLAB_DOWNLOADS", downloads.toString());
        ENV.put("NETLAB_SUM_NUMBER", "33");
        String file = ROOT.resolve("compose.yaml").toString();
        try {
            Result up = run(concat(compose, "-p", project, "-f", file, "up", "-d"));
            assertThat(up.code).as("compose up: %s", up.said()).isZero();
            String clients = must("ps", "-a", "--filter", "label=com.docker.compose.project=" + project, "--filter",
                    "label=com.docker.compose.service=clients", "--format", "{{.Names}}").out.strip();
            assertThat(clients).as("the clients' container").isNotEmpty().doesNotContain("\n");
            String exit = must("wait", clients).out.strip();
            Result logs = must("logs", clients);
            assertThat(exit).as("the clients' exit code; they said: %s%s; the servers said: %s", logs.out, logs.err,
                    run(cmd("logs", clients.replace("clients", "servers")))).isEqualTo("0");
            assertThat(logs.out).contains("fetched lab-file.bin: 2.4 MiB (2500000 bytes)",
                    "Server name:   Server of John Q. Smith", "Sum:           75 (checked: 42 + 33 = 75)",
                    "HELLO FROM THE OTHER CONTAINER");
            assertThat(Files.readAllBytes(downloads.resolve("lab-file.bin"))).isEqualTo(Files.readAllBytes(served));
        } finally {
            run(concat(compose, "-p", project, "-f", file, "down"));
            run(cmd("network", "rm", project + "_lab"));
            for (String k : List.of("NETLAB_IMAGE", "NETLAB_FILES", "NETLAB_DOWNLOADS", "NETLAB_SUM_NUMBER")) {
                ENV.remove(k);
            }
        }
        report.publishEntry("time", "compose up, clients done, down: " + millisSince(start) + " ms");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
