package io.netlab.client;

import io.netlab.codec.SumReply;
import io.netlab.codec.SumRequest;
import io.netlab.server.RunningServer;
import io.netlab.server.SumServer;
import io.netlab.server.cli.LabDisplay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exercise 2 with the lab's own programs: sum_client.py against netlab's sum server, netlab's --text against sum_server.py. */
class LabSumPeersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String EXPECTED = "Client name: Alice B\nServer name: Server of Ada\nClient number: 42\n"
            + "Server number: 7\nSum: 49\n";
    private final LabPeers peers = new LabPeers();
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws Exception {
        peers.close();
    }

    private RunningServer netlab() throws Exception {
        return TestServers.local(SumServer.builder(), Transport.AUTO).name("Server of Ada").number(7)
                .listener(new LabDisplay(new PrintStream(shown, true, StandardCharsets.UTF_8))).start();
    }

    @Test
    void theLabsSumClientIsAnsweredByNetlabInEveryFormItSends() throws Exception {
        LabPeers.assumePython();
        RunningServer server = netlab();
        try {
            String port = Integer.toString(server.localAddress().getPort());
            List<List<String>> forms = List.of(List.of(), List.of("--sep", " "), List.of("--sep", "tab"),
                    List.of("--sep", "newline"), List.of("--no-newline"), List.of("--sep", "newline", "--no-newline"),
                    List.of("--sep", "tab", "--no-newline", "--half-close"));
            for (List<String> form : forms) {
                List<String> args = new java.util.ArrayList<>(List.of("127.0.0.1", port, "Alice B", "42"));
                args.addAll(form);
                LabPeers.Result r = peers.script("sum_client.py", args.toArray(String[]::new));
                assertThat(r.exit()).as(form + ": " + r.err()).isZero();
                assertThat(r.out()).as(form.toString()).isEqualTo(EXPECTED);
            }
            assertThat(shown.toString(StandardCharsets.UTF_8)).contains("Client number: 42 | Server number: 7 | Sum: 49");
            LabPeers.Result eve = peers.script("sum_client.py", "127.0.0.1", port, "Eve", "101");
            assertThat(eve.exit()).isEqualTo(1);
            assertThat(eve.err()).contains("the server closed without answering");
            server.terminationFuture().get(10, TimeUnit.SECONDS);
            assertThat(shown.toString(StandardCharsets.UTF_8)).contains("Client number: 101 is outside 1..100: shutting down");
        } finally {
            server.close();
        }
    }

    @Test
    void netlabsTextClientAddsWithTheLabsServer() throws Exception {
        LabPeers.assumePython();
        LabPeers.Server lab = peers.server("sum_server.py", "0", "--name", "Server of John Q. Smith", "--number", "87");
        Endpoint endpoint = new Endpoint("127.0.0.1", lab.port(), null);
        SumReply reply = SumTextClient.exchange(endpoint, new SumRequest("Zoë, the 2nd", 42), TIMEOUT, Transport.AUTO);
        assertThat(reply).isEqualTo(new SumReply("Server of John Q. Smith", 87, 129));
        String[] expected = {"Client name: Zoë, the 2nd | Server name: Server of John Q. Smith",
            "Client number: 42 | Server number: 87 | Sum: 129"};
        assertThat(lab.printedOnceItContains(expected)).contains(expected);
        assertThatThrownBy(() -> SumTextClient.exchange(endpoint, new SumRequest("Eve", 101), TIMEOUT, Transport.AUTO))
                .isInstanceOf(ClientException.class)
                .hasMessageStartingWith("the server closed the connection without answering (a lab-style server");
        assertThat(lab.awaitExit(10)).isZero();
    }

    @Test
    void netlabsTextClientAndNetlabsServer() throws Exception {
        try (RunningServer server = netlab()) {
            SumReply reply = SumTextClient.exchange(TestServers.endpoint(server), new SumRequest("Bob", 1), TIMEOUT,
                    Transport.NIO);
            assertThat(reply).isEqualTo(new SumReply("Server of Ada", 7, 8));
            assertThatThrownBy(() -> SumTextClient.exchange(TestServers.endpoint(server), new SumRequest("a\nb", 1),
                    TIMEOUT, Transport.NIO)).hasMessage("name: contains a line break (expected: one line)");
        }
    }
}
