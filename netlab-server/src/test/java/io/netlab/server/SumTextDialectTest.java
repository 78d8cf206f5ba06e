package io.netlab.server;

import io.netlab.server.cli.LabDisplay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sum server's text dialect over sockets, beside netlab frames on the same port. */
class SumTextDialectTest {
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private RunningServer server;

    private void start(boolean keepRunning) throws Exception {
        server = SumServer.builder().bind(InetAddress.getByName("127.0.0.1")).threads(1).name("Server of Ada").number(7)
                .keepRunning(keepRunning).idleTimeout(Duration.ofSeconds(10)).shutdownGrace(Duration.ofSeconds(1))
                .listener(new LabDisplay(new PrintStream(shown, true, StandardCharsets.UTF_8))).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String ask(String request, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            if (halfClose) {
                s.shutdownOutput();
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);    // to the server's close
        }
    }

    @Test
    void aTextLineIsAnsweredWithTheServersNameAndNumberAndShownAsTheLabSays() throws Exception {
        start(false);
        assertThat(ask("Alice B,42\n", false)).isEqualTo("Server of Ada,7\n");
        assertThat(ask("Bob 1", false)).isEqualTo("Server of Ada,7\n");               // no newline: the pause
        assertThat(ask("Carol\t100", true)).isEqualTo("Server of Ada,7\n");           // half-close
        assertThat(shown.toString(StandardCharsets.UTF_8))
                .contains("Client name: Alice B | Server name: Server of Ada", "Client number: 42 | Server number: 7 | Sum: 49",
                        "Client number: 1 | Server number: 7 | Sum: 8", "Client number: 100 | Server number: 7 | Sum: 107");
        try (RawClient c = new RawClient(server.localAddress())) {                    // netlab, same port
            c.send(RawClient.sumRequest("Dan", 3));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_SUM_REPLY);
        }
    }

    @Test
    void anUnreadableLineIsClosedWithoutAReplyAndTheServerGoesOn() throws Exception {
        start(false);
        try (LogCapture log = new LogCapture(SumServerHandler.class)) {
            assertThat(ask("no number here\n\n", false)).isEmpty();
            assertThat(log.await("protocol error")).contains("protocol error: lines: `no number here`, ``");
        }
        assertThat(ask("Ana,5\n", false)).isEqualTo("Server of Ada,7\n");
        assertThat(server.isStopping()).isFalse();
    }

    @Test
    void outOfRangeIsACloseWithoutAReplyAndAShutdown() throws Exception {
        start(false);
        assertThat(ask("Eve,101\n", false)).isEmpty();
        server.terminationFuture().get(10, TimeUnit.SECONDS);
        assertThat(shown.toString(StandardCharsets.UTF_8)).contains("Client number: 101 is outside 1..100: shutting down");
    }

    @Test
    void outOfRangeWithKeepRunningIsRefusedAndTheServerGoesOn() throws Exception {
        start(true);
        assertThat(ask("Eve,0", true)).isEmpty();
        assertThat(ask("Ana,5\n", false)).isEqualTo("Server of Ada,7\n");
        assertThat(server.isStopping()).isFalse();
    }
}
