package io.netlab.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server jar as a process whose standard output is a pipe nobody reads: logging must never block an event
 * loop. Once the pipe's buffer (64 KiB) is full, log lines are dropped, not waited on; the server keeps answering
 * and stops on SIGTERM. 3,000 short echo connections, one INFO line each.
 */
class ServerStdoutIT {
    private static final Path SERVER_JAR = Path.of(System.getProperty("netlab.server.jar", "../netlab-server/target/netlab-server.jar"));
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final int CLIENTS = 3000;

    private Process server;

    @AfterEach
    void kill() throws Exception {
        if (server != null) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerWhoseOutputIsNeverReadKeepsAnsweringAndStopsOnSigterm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-jar", SERVER_JAR.toString(), "echo", "0", "--bind", "127.0.0.1")
                .redirectErrorStream(true).start();
        InputStream out = server.getInputStream();       // read up to the port, then never again (and never closed)
        BufferedReader lines = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8), 1);
        int port = -1;
        for (String line; port < 0 && (line = lines.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
        }
        assertThat(port).as("the server said where it listens").isPositive();

        for (int i = 0; i < CLIENTS; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(5000);
                s.getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.UTF_8));
                byte[] answer = s.getInputStream().readNBytes(("PING " + i + "\n").length());
                assertThat(new String(answer, StandardCharsets.UTF_8)).as("answer to client " + i).isEqualTo("PING " + i + "\n");
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("client " + i + " got no answer within 5 s", e);
            }
        }

        server.toHandle().destroy();                     // SIGTERM
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s of SIGTERM").isTrue();
    }
}
