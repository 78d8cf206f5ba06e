package io.netlab.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lab's own programs (src/test/python/lab, see its README) and everyday tools (nc, curl), run as processes
 * against netlab and for netlab's clients to talk to. Tests that need a tool are skipped where it is missing.
 * Every process is bounded in time and killed by {@link #close()}.
 */
final class LabPeers implements AutoCloseable {
    static final Path SCRIPTS = Path.of("src/test/python/lab");
    private static final Pattern LISTENING = Pattern.compile("^listening on (\\d+)");
    private static Boolean python;

    private final List<Process> started = new ArrayList<>();

    /** What a finished process printed and its exit code. */
    record Result(int exit, String out, String err) {
    }

    /** A lab server process: its port, and what it printed. */
    record Server(Process process, int port, ByteArrayOutputStream output) {
        String printed() {
            synchronized (output) {
                return output.toString(StandardCharsets.UTF_8);
            }
        }

        /**
         * What it printed once every one of {@code lines} is there, or after at most 10 s: the server prints before it
         * closes a connection, but its output reaches this JVM through a pipe and a reading thread, after the client
         * may have seen the close.
         */
        String printedOnceItContains(String... lines) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String out = printed();
            while (!java.util.Arrays.stream(lines).allMatch(out::contains) && System.nanoTime() < end) {
                Thread.sleep(20);
                out = printed();
            }
            return out;
        }

        /** Waits at most {@code seconds} for the server to exit by itself; its exit code, or -1. */
        int awaitExit(int seconds) throws InterruptedException {
            return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
        }
    }

    /** Skips the calling test unless python3 runs here. */
    static void assumePython() {
        if (python == null) {
            python = works("python3", "--version") && Files.isDirectory(SCRIPTS);
        }
        assumeTrue(python, "python3 is not installed: the lab-peer tests are skipped");
    }

    /** Skips the calling test unless {@code tool} runs here. */
    static void assumeTool(String tool, String... probe) {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(List.of(probe));
        assumeTrue(works(cmd.toArray(String[]::new)), tool + " is not installed: this test is skipped");
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a lab server script and waits for its {@code listening on PORT} line. */
    Server server(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-u", SCRIPTS.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        started.add(p);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(p.getInputStream(), output), "lab-server-output");
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String text;
            synchronized (output) {
                text = output.toString(StandardCharsets.UTF_8);
            }
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return new Server(p, Integer.parseInt(m.group(1)), output);
            }
            if (!p.isAlive()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError(script + " did not start: " + output.toString(StandardCharsets.UTF_8));
    }

    /** Runs a lab client script to its end (at most 20 s). */
    Result script(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", SCRIPTS.resolve(script).toString()));
        cmd.addAll(List.of(args));
        return run(null, cmd.toArray(String[]::new));
    }

    /** Runs a command to its end (at most 20 s), with {@code stdin} as its standard input (or none). */
    Result run(byte[] stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        started.add(p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = new Thread(() -> copy(p.getInputStream(), out));
        Thread e = new Thread(() -> copy(p.getErrorStream(), err));
        o.start();
        e.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " ran over 20 s");
        }
        o.join(5000);
        e.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] b = new byte[8192];
        try {
            for (int n; (n = in.read(b)) >= 0; ) {
                synchronized (to) {
                    to.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
