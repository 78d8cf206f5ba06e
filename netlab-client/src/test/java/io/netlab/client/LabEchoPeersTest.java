package io.netlab.client;

import io.netlab.server.EchoServer;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Exercise 1 with the lab's own programs: the textbook TCPClient/TCPServer pair against netlab, both ways, and nc. */
class LabEchoPeersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final LabPeers peers = new LabPeers();

    @AfterEach
    void stop() throws Exception {
        peers.close();
    }

    @Test
    void theTextbookClientIsAnsweredByNetlab() throws Exception {
        LabPeers.assumePython();
        try (RunningServer server = TestServers.local(EchoServer.builder(), Transport.AUTO).start()) {
            long start = System.nanoTime();
            LabPeers.Result r = peers.script("tcp_client.py", "127.0.0.1", port(server), "hello", "lab", "ß");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("HELLO LAB SS\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void netlabsClientTalksToTheTextbookServer() throws Exception {
        LabPeers.assumePython();
        LabPeers.Server textbook = peers.server("tcp_server.py", "0");
        Endpoint endpoint = new Endpoint("127.0.0.1", textbook.port(), null);
        try (EchoClient client = EchoClient.connect(endpoint, TIMEOUT, Transport.AUTO)) {
            assertThat(client.send("hello from netlab")).isEqualTo("HELLO FROM NETLAB");
            // the textbook server answers once and closes: the next line goes on a new connection
            assertThat(client.send("ünïcödé ß")).isEqualTo("ÜNÏCÖDÉ SS");
            assertThat(client.send("third")).isEqualTo("THIRD");
        }
        String expected = "'hello from netlab\\n' -> 'HELLO FROM NETLAB\\n'";
        assertThat(textbook.printedOnceItContains(expected)).contains(expected);
    }

    @Test
    void ncGetsEachLineAndTheLastOneWithoutANewline() throws Exception {
        LabPeers.assumeTool("nc", "-h");
        try (RunningServer server = TestServers.local(EchoServer.builder(), Transport.AUTO).start()) {
            // -N: shut the socket down for writing at the end of the input (OpenBSD nc), -q 5 for the traditional one
            LabPeers.Result r = peers.run("first line\nsecond, no newline".getBytes(StandardCharsets.UTF_8),
                    "nc", ncEofOption(), "127.0.0.1", port(server));
            assertThat(r.out()).as(r.err()).isEqualTo("FIRST LINE\nSECOND, NO NEWLINE");
        }
    }

    /** OpenBSD nc half-closes at the end of its input with -N; other variants take -q SECONDS. */
    static String ncEofOption() throws Exception {
        LabPeers.Result help;
        try (LabPeers p = new LabPeers()) {
            help = p.run(null, "nc", "-h");
        }
        return (help.out() + help.err()).contains("OpenBSD") ? "-N" : "-q1";
    }

    private static String port(RunningServer server) {
        return Integer.toString(server.localAddress().getPort());
    }
}
