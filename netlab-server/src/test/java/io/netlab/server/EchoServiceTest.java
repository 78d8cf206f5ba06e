package io.netlab.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The echo service as the lab's clients use it: the textbook client, nc, and a client that half-closes. */
class EchoServiceTest {
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.builder().bind(InetAddress.getByName("127.0.0.1")).threads(1)
                .idleTimeout(Duration.ofSeconds(10)).shutdownGrace(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
        s.setSoTimeout(5000);
        return s;
    }

    /** One read of up to 1024 bytes, as the textbook client's {@code recv(1024)}. */
    private static String recv1024(Socket s) throws IOException {
        byte[] b = new byte[1024];
        int n = s.getInputStream().read(b);
        return n < 0 ? null : new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTextbookClientIsAnsweredInOneWriteAfterAShortPause() throws Exception {
        try (Socket s = connect()) {
            long start = System.nanoTime();
            s.getOutputStream().write("hello lab ß".getBytes(StandardCharsets.UTF_8));
            assertThat(recv1024(s)).isEqualTo("HELLO LAB SS");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isBetween(QuietInputDecoder.QUIET_MILLIS - 50, 3000L);
            // the connection stays open for more
            s.getOutputStream().write("again\n".getBytes(StandardCharsets.UTF_8));
            assertThat(recv1024(s)).isEqualTo("AGAIN\n");
        }
    }

    @Test
    void linesAreAnsweredAtOnceAndTheLastBytesBeforeAHalfCloseToo() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("one\r\n".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            assertThat(recv1024(s)).isEqualTo("ONE\n");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(QuietInputDecoder.QUIET_MILLIS);
            s.getOutputStream().write("two\nthree, no newline".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertThat(readToEnd(s.getInputStream())).isEqualTo("TWO\nTHREE, NO NEWLINE");   // then closed
        }
    }

    @Test
    void aNetlabPeerIsClosedWithALogLineInsteadOfAnEchoOfItsFrame() throws Exception {
        try (LogCapture log = new LogCapture(EchoTextDecoder.class); Socket s = connect()) {
            s.getOutputStream().write(RawClient.fileRequest("a.txt", 1024, 0, 1));
            assertThat(readToEnd(s.getInputStream())).isEmpty();
            assertThat(log.await("closing")).contains("sent a netlab FILE_REQUEST (0x10) frame \"NL\\x01\\x10",
                    "this is the echo service (text lines): closing");
        }
        try (Socket s = connect()) {         // "NL" as text is answered
            s.getOutputStream().write("NL\n".getBytes(StandardCharsets.UTF_8));
            assertThat(recv1024(s)).isEqualTo("NL\n");
        }
    }

    @Test
    void aCharacterSplitAcrossWritesIsUppercasedWhole() throws Exception {
        byte[] text = "aé€".getBytes(StandardCharsets.UTF_8);     // 61 | c3 a9 | e2 82 ac
        try (Socket s = connect()) {
            s.getOutputStream().write(text, 0, 2);                  // 'a' and half of 'é', then a pause
            assertThat(recv1024(s)).isEqualTo("A");
            s.getOutputStream().write(text, 2, 3);                  // the rest of 'é', two thirds of '€'
            assertThat(recv1024(s)).isEqualTo("É");
            s.getOutputStream().write(text, 5, 1);
            s.shutdownOutput();
            assertThat(readToEnd(s.getInputStream())).isEqualTo("€");
        }
    }
}
