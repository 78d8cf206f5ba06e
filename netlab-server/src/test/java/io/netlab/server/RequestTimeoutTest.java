package io.netlab.server;

import io.netlab.codec.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --request-timeout} in the sum and echo servers (the file server's own case is in ServerProtocolTest): a
 * silent connection and a request sent a byte at a time are answered TIMEOUT and closed; a client that waits
 * between two whole requests is not (the idle timeout governs it). 0.5 s request timeout, 5 s idle.
 */
class RequestTimeoutTest {
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static <B extends ServerBuilder<B>> B local(B builder) throws Exception {
        return builder.bind(InetAddress.getByName("127.0.0.1")).threads(2).idleTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofMillis(500)).shutdownGrace(Duration.ofSeconds(1));
    }

    private RunningServer sum() throws Exception {
        return server = local(SumServer.builder()).name("Server of Test").number(17).keepRunning(true).start();
    }

    private RunningServer echo() throws Exception {
        return server = local(EchoServer.builder()).start();
    }

    /** Sends {@code bytes} one at a time, 100 ms apart, and stops early when the server has closed. */
    private static void trickle(OutputStream out, byte[] bytes) throws InterruptedException {
        try {
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (java.io.IOException closed) {
            // the server gave up on us, as it should
        }
    }

    @Test
    void aSilentSumConnectionIsToldAndClosed() throws Exception {
        try (RawClient c = new RawClient(sum().localAddress())) {
            RawClient.Frame f = c.readFrame();
            assertThat(f.type()).isEqualTo(RawClient.TYPE_ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.TIMEOUT.code());
            assertThat(f.errorMessage()).isEqualTo("no complete request within 0.5 s (expected: a SUM_REQUEST)");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aSumRequestSentAByteAtATimeIsCutOff() throws Exception {
        try (RawClient c = new RawClient(sum().localAddress())) {
            c.send(RawClient.sumRequest("Ana", 42));         // a whole request: answered, and the clock stops
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_SUM_REPLY);
            c.send(new byte[] {'N', 'L', 1});                // a second one started, then nothing more
            RawClient.Frame f = c.readFrame();
            assertThat(f.errorCode()).isEqualTo(ErrorCode.TIMEOUT.code());
            assertThat(c.closedByServer()).isTrue();
        }
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            trickle(s.getOutputStream(), RawClient.sumRequest("Bo", 1));   // 17 bytes over 1.7 s
            byte[] head = s.getInputStream().readNBytes(8);
            assertThat(head).hasSize(8);
            assertThat(head[3]).as("frame type").isEqualTo((byte) RawClient.TYPE_ERROR);
        }
    }

    @Test
    void aSumClientMayWaitBetweenRequests() throws Exception {
        try (RawClient c = new RawClient(sum().localAddress())) {
            c.send(RawClient.sumRequest("Ana", 42));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_SUM_REPLY);
            TimeUnit.MILLISECONDS.sleep(1500);               // three request timeouts, well within the idle timeout
            c.send(RawClient.sumRequest("Ana", 43));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_SUM_REPLY);
        }
    }

    @Test
    void aSilentEchoConnectionAndASlowLineAreToldAndClosed() throws Exception {
        echo();
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("ERROR: no complete line within 0.5 s");
            assertThat(r.readLine()).isNull();
        }
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            s.getOutputStream().write("first\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("FIRST");
            trickle(s.getOutputStream(), "a line at ten bytes a second\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("ERROR: no complete line within 0.5 s");
            assertThat(r.readLine()).isNull();
        }
    }

    @Test
    void anEchoClientMayWaitBetweenLines() throws Exception {
        echo();
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            s.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("ONE");
            TimeUnit.MILLISECONDS.sleep(1500);
            s.getOutputStream().write("two\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("TWO");
        }
    }
}
