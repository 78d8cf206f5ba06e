package io.netlab.client;

import io.netlab.codec.SumRequest;
import io.netlab.codec.SumReply;
import io.netlab.server.RunningServer;
import io.netlab.server.EchoServer;
import io.netlab.server.SumServer;
import io.netlab.server.cli.LabDisplay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End to end: the real sum and echo servers and clients over 127.0.0.1. */
class SumAndEchoTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static RunningServer sumServer(boolean keepRunning, ByteArrayOutputStream shown) throws Exception {
        return TestServers.local(SumServer.builder(), Transport.AUTO).name("Server of John Q. Smith").number(33)
                .range(1, 100).keepRunning(keepRunning)
                .listener(new LabDisplay(new PrintStream(shown, true, StandardCharsets.UTF_8))).start();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 50})
    void boundaryNumbersAreAcceptedAndSummed(int number) throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (RunningServer server = sumServer(false, shown)) {
            SumReply reply = SumClient.exchange(TestServers.endpoint(server), new SumRequest("Zoë", number),
                    TIMEOUT, Transport.AUTO);
            assertThat(reply).isEqualTo(new SumReply("Server of John Q. Smith", 33, number + 33L));
            assertThat(server.isStopping()).isFalse();
            assertThat(shown.toString(StandardCharsets.UTF_8)).contains("Client name: Zoë | Server name: Server of John Q. Smith",
                    "Client number: " + number + " | Server number: 33 | Sum: " + (number + 33));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 101, -5, Integer.MAX_VALUE})
    void outOfRangeNumbersShutTheServerDown(int number) throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        RunningServer server = sumServer(false, shown);
        try {
            SumClient.exchange(TestServers.endpoint(server), new SumRequest("Eve", number), TIMEOUT, Transport.AUTO);
            throw new AssertionError("accepted " + number);
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
            assertThat(e.getMessage()).isEqualTo("the server refused: number: " + number
                    + " (expected: 1..100); the server is shutting down [OUT_OF_RANGE]");
        }
        server.terminationFuture().get(10, TimeUnit.SECONDS);
        assertThat(shown.toString(StandardCharsets.UTF_8)).contains("is outside 1..100: shutting down");
        try {
            SumClient.exchange(TestServers.endpoint(server), new SumRequest("Late", 5), TIMEOUT, Transport.AUTO);
            throw new AssertionError("still serving");
        } catch (ClientException e) {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
        }
    }

    @Test
    void keepRunningRefusesButGoesOn() throws Exception {
        try (RunningServer server = sumServer(true, new ByteArrayOutputStream())) {
            try {
                SumClient.exchange(TestServers.endpoint(server), new SumRequest("Eve", 0), TIMEOUT, Transport.AUTO);
                throw new AssertionError("accepted 0");
            } catch (ClientException e) {
                assertThat(e.getMessage()).isEqualTo("the server refused: number: 0 (expected: 1..100) [OUT_OF_RANGE]");
            }
            assertThat(SumClient.exchange(TestServers.endpoint(server), new SumRequest("Bob", 7), TIMEOUT,
                    Transport.NIO).sum()).isEqualTo(40);
        }
    }

    @Test
    void aFileClientAtASumServerGetsAClearProtocolError() throws Exception {
        try (RunningServer server = sumServer(true, new ByteArrayOutputStream())) {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("netlab");
            try {
                FileFetcher.fetch(TestServers.endpoint(server), "x", dir.resolve("x"), FetchOptions.defaults(), Progress.NONE);
                throw new AssertionError("fetched from a sum server");
            } catch (ClientException e) {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
                assertThat(e.getMessage()).startsWith("type: FILE_REQUEST (0x10) (expected: SUM_REQUEST (0x01)) [ILLEGAL_OPERATION]");
            }
            assertThat(java.nio.file.Files.list(dir)).isEmpty();
        }
    }

    @Test
    void echoUppercasesEachLine() throws Exception {
        try (RunningServer server = TestServers.local(EchoServer.builder(), Transport.AUTO).start();
             EchoClient client = EchoClient.connect(TestServers.endpoint(server), TIMEOUT, Transport.AUTO)) {
            assertThat(client.send("hello, world")).isEqualTo("HELLO, WORLD");
            assertThat(client.send("ünïcödé ß")).isEqualTo("ÜNÏCÖDÉ SS");
            assertThat(client.send("")).isEqualTo("");
        }
    }

    @Test
    void echoRefusalsAreErrorsNotAnswers() throws Exception {
        try (RunningServer server = TestServers.local(EchoServer.builder(), Transport.AUTO).start();
             EchoClient client = EchoClient.connect(TestServers.endpoint(server), TIMEOUT, Transport.AUTO)) {
            // a line that only looks like a refusal is echoed as usual
            assertThat(client.send("error: not really")).isEqualTo("ERROR: NOT REALLY");
            // the text comes back as the server sent it: escaping is for whoever prints it
            assertThat(client.send("\u001b[2j")).isEqualTo("\u001b[2J");
            assertThatThrownBy(() -> client.send("one\ntwo")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("line: contains a line break (expected: one line; send each on its own)");
            assertThatThrownBy(() -> client.send("x".repeat(EchoServer.MAX_LINE + 1)))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.REMOTE);
                        assertThat(e.getMessage()).isEqualTo("the server refused: line longer than "
                                + EchoServer.MAX_LINE + " bytes");
                    });
        }
    }

    @Test
    void aLineResetByAServerThatClosedAfterItsLastAnswerGoesOutAgainOnANewConnection() throws Exception {
        // the textbook server answers once and closes; when its close arrives only after the next line went out, the
        // client sees a reset, not a close: connection 1 answers a line, then resets on the next; connection 2 answers
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread server = new Thread(() -> {
                try {
                    try (java.net.Socket first = listener.accept()) {
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                first.getInputStream(), StandardCharsets.UTF_8));
                        first.getOutputStream().write((in.readLine().toUpperCase(java.util.Locale.ROOT) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                        in.readLine();
                        first.setSoLinger(true, 0);     // close() sends an RST
                    }
                    try (java.net.Socket second = listener.accept()) {
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                second.getInputStream(), StandardCharsets.UTF_8));
                        second.getOutputStream().write((in.readLine().toUpperCase(java.util.Locale.ROOT) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                        second.shutdownOutput();
                        in.readLine();
                    }
                } catch (java.io.IOException ignored) {
                    // the test fails on the client's side
                }
            });
            server.setDaemon(true);
            server.start();
            try (EchoClient client = EchoClient.connect(new Endpoint("127.0.0.1", listener.getLocalPort(), null),
                    TIMEOUT, Transport.AUTO)) {
                assertThat(client.send("first")).isEqualTo("FIRST");
                assertThat(client.send("second")).isEqualTo("SECOND");
            }
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
