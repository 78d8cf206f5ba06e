package io.netlab.client.cli;

import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --connect-retry} on every command: how it is read, what a retry that runs out says, and that it waits. */
class ConnectRetryCliTest {
    @TempDir
    Path tmp;
    private String err;

    /** Runs the client through picocli; keeps what it wrote on standard error in {@link #err}. */
    private synchronized int client(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try (PrintStream e = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
             PrintStream o = new PrintStream(OutputStream.nullOutputStream())) {
            System.setErr(e);
            System.setOut(o);
            int code = NetlabClient.commandLine().setErr(new PrintWriter(usage, true)).execute(args);
            err = errBytes.toString(StandardCharsets.UTF_8) + usage;
            return code;
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void theDurationIsReadWithItsUnit() {
        assertThat(NetlabClient.duration(null, "--connect-retry", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(NetlabClient.duration(null, "--connect-retry", "30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(NetlabClient.duration(null, "--connect-retry", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(NetlabClient.duration(null, "--connect-retry", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(NetlabClient.duration(null, "--connect-retry", "24h")).isEqualTo(Duration.ofDays(1));
        assertThat(NetlabClient.duration(null, "--connect-retry", "0")).isZero();
    }

    @Test
    void aBadDurationIsAUsageError() {
        assertThat(client("--connect-retry", "30x", "127.0.0.1:9:a", tmp.resolve("a").toString())).isEqualTo(2);
        assertThat(err).startsWith("netlab-client: --connect-retry: 30x (expected: a duration such as 30s, 500ms or 2m, "
                + "at most 24h)\n");
        assertThat(client("echo", "--connect-retry", "-1s", "127.0.0.1:9", "hi")).isEqualTo(2);
        assertThat(client("sum", "--connect-retry", "25h", "127.0.0.1:9", "--name", "A", "--number", "1")).isEqualTo(2);
        assertThat(err).contains("--connect-retry: 25h (expected: ");
    }

    @Test
    void everyCommandSaysHowLongItTriedAndExitsWith3() throws Exception {
        int port = closedPort();
        String[][] commands = {
            {"--connect-retry", "400ms", "127.0.0.1:" + port + ":a.txt", tmp.resolve("a.txt").toString()},
            {"--connect-retry", "400ms", "--raw", "127.0.0.1:" + port + ":a.txt", tmp.resolve("b.txt").toString()},
            {"sum", "--connect-retry", "400ms", "127.0.0.1:" + port, "--name", "Ana", "--number", "9"},
            {"sum", "--text", "--connect-retry", "400ms", "127.0.0.1:" + port, "--name", "Ana", "--number", "9"},
            {"echo", "--connect-retry", "400ms", "127.0.0.1:" + port, "hello"}};
        for (String[] args : commands) {
            assertThat(client(args)).as("%s: %s", String.join(" ", args), err).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(err).as(String.join(" ", args)).matches("(?s)netlab-client: connection refused: 127\\.0\\.0\\.1:"
                    + port + " \\(is the server running on that port\\?\\); tried for \\d+\\.\\d s \\(\\d+ attempts\\).*");
        }
        assertThat(client("echo", "127.0.0.1:" + port, "hello")).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(err).isEqualTo("netlab-client: connection refused: 127.0.0.1:" + port
                + " (is the server running on that port?)\n");
    }

    @Test
    void aFetchWaitsForAServerThatStartsAMomentLater() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("late.txt"), "worth the wait\n");
        int port = closedPort();
        Path local = tmp.resolve("late.txt");
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> client("--connect-retry", "60s", "-q",
                "127.0.0.1:" + port + ":late.txt", local.toString()));
        TimeUnit.MILLISECONDS.sleep(700);
        assertThat(code).as("gave up before the server started").isNotDone();
        try (RunningServer server = FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).port(port).threads(1)
                .root(root).shutdownGrace(Duration.ZERO).start()) {
            assertThat(code.get(60, TimeUnit.SECONDS)).as(String.valueOf(err)).isZero();
        }
        assertThat(Files.readString(local)).isEqualTo("worth the wait\n");
    }
}
