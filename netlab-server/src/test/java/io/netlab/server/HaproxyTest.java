package io.netlab.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real HAProxy (the Debian package {@code haproxy}; {@code .ci/run} installs it, and this test is skipped without
 * it) in front of two netlab file servers with {@code --proxy-protocol}, all on 127.0.0.1 and ephemeral ports: mode
 * tcp, {@code send-proxy-v2}, round robin, no health checks (a refused connection is redispatched to the other
 * server). Checks round robin, the real client address in the servers' log lines, the per-client cap by real
 * address, and that a transfer survives its server being stopped gracefully while new connections go to the other.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyTest {
    @TempDir
    static Path dir;
    static byte[] big;
    static RunningServer a;
    static RunningServer b;
    static Process haproxy;
    static int port;

    static String haproxyCommand() {
        List<String> places = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        places.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        for (String p : places) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "haproxy"))) {
                return Path.of(p, "haproxy").toString();
            }
        }
        return null;
    }

    static RunningServer backend(String name) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name));
        Files.writeString(root.resolve("who.txt"), name);
        Files.write(root.resolve("big.bin"), big);
        return FileServer.builder().root(root).bind(InetAddress.getByName("127.0.0.1")).threads(2).proxyProtocol(true)
                .idleTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10))
                .shutdownGrace(Duration.ofSeconds(30)).maxConnectionsPerClient(2).start();
    }

    @BeforeAll
    static void start() throws Exception {
        String command = haproxyCommand();
        assumeTrue(command != null, "haproxy is not installed (Debian package haproxy): skipping the HAProxy test");
        big = new byte[32 * 1024 * 1024];
        new Random(5).nextBytes(big);
        a = backend("a");
        b = backend("b");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, String.join("\n",
                "global",
                "    maxconn 256",
                "defaults",
                "    mode tcp",
                "    timeout connect 2s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    retries 3",
                "    option redispatch 1",
                "frontend netlab",
                "    bind 127.0.0.1:" + port,
                "    default_backend netlab_servers",
                "backend netlab_servers",
                "    balance roundrobin",
                "    server a 127.0.0.1:" + a.localAddress().getPort() + " send-proxy-v2",
                "    server b 127.0.0.1:" + b.localAddress().getPort() + " send-proxy-v2",
                ""));
        haproxy = new ProcessBuilder(command, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !haproxy.isAlive()) {
                    throw new AssertionError("haproxy did not start: " + Files.readString(dir.resolve("haproxy.log")), e);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        awaitConnections(a, 0);
        awaitConnections(b, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (RunningServer s : new RunningServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static void awaitConnections(RunningServer server, int n) throws InterruptedException {
        for (int i = 0; i < 1000 && server.connectionCount() != n; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(server.connectionCount()).isEqualTo(n);
    }

    static String fetchSmall() throws IOException {
        try (RawClient c = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
            c.send(RawClient.fileRequest("who.txt", 1024, 0, 1));
            return new String(ProxyProtocolTest.transfer(c), StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(1)
    void roundRobinWithTheRealAddressInTheLogs() throws Exception {
        try (LogCapture log = new LogCapture(FileServerHandler.class)) {
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(fetchSmall());
            }
            assertThat(answers).containsOnly("a", "b");
            for (int i = 1; i < answers.size(); i++) {
                assertThat(answers.get(i)).as("round robin: %s", answers).isNotEqualTo(answers.get(i - 1));
            }
            try (RawClient c = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
                int mine = c.socket().getLocalPort();      // the client's port, not the one HAProxy connects from
                c.send(RawClient.fileRequest("who.txt", 1024, 0, 1));
                ProxyProtocolTest.transfer(c);
                assertThat(log.await(":" + mine + " sent who.txt")).contains("/127.0.0.1:" + mine + " fetching who.txt");
            }
        }
    }

    @Test
    @Order(2)
    void thePerClientCapCountsTheRealClientNotTheProxy() throws Exception {
        awaitConnections(a, 0);
        awaitConnections(b, 0);
        List<RawClient> held = new ArrayList<>();
        try (LogCapture log = new LogCapture(ConnectionLimiter.class)) {
            for (int i = 0; i < 4; i++) {      // two on each server: 127.0.0.1 is at its cap on both
                held.add(new RawClient(new InetSocketAddress("127.0.0.1", port)));
            }
            awaitConnections(a, 2);
            awaitConnections(b, 2);
            try (RawClient over = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
                over.send(RawClient.fileRequest("who.txt", 1024, 0, 1));
                RawClient.Frame busy = over.readFrame();
                assertThat(busy.type()).isEqualTo(RawClient.TYPE_ERROR);
                assertThat(busy.errorMessage())
                        .isEqualTo("connections from 127.0.0.1: 3 (expected: <= 2); try again later");
            }
            assertThat(log.await("refused")).contains("/127.0.0.1:").contains(" refused: connections from 127.0.0.1: 3");
            // HAProxy connects to both servers from 127.0.0.1 for every client: another client is still served
            try (Socket other = new Socket()) {
                other.bind(new InetSocketAddress("127.0.0.2", 0));
                other.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                other.setSoTimeout(10_000);
                other.getOutputStream().write(RawClient.fileRequest("who.txt", 1024, 0, 1));
                byte[] answer = other.getInputStream().readNBytes(8);
                assertThat(answer[3]).as("a FILE_HEADER, not BUSY").isEqualTo((byte) RawClient.TYPE_FILE_HEADER);
            }
        } finally {
            for (RawClient c : held) {
                c.close();
            }
        }
        awaitConnections(a, 0);
        awaitConnections(b, 0);
    }

    @Test
    @Order(3)     // last: it stops a server
    void aTransferSurvivesItsServerStoppingAndNewConnectionsGoToTheOther() throws Exception {
        awaitConnections(a, 0);
        awaitConnections(b, 0);
        try (RawClient c = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
            c.send(RawClient.fileRequest("big.bin", 65536, 0, 1));
            RawClient.Frame header = c.readFrame();
            assertThat(header.type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            for (int i = 0; i < 100 && a.connectionCount() + b.connectionCount() == 0; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            RunningServer serving = a.connectionCount() == 1 ? a : b;
            RunningServer other = serving == a ? b : a;
            String otherName = other == a ? "a" : "b";
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(serving::close);
            for (int i = 0; i < 500 && !serving.isStopping(); i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            TimeUnit.MILLISECONDS.sleep(200);                 // its listening socket is closed
            for (int i = 0; i < 4; i++) {
                assertThat(fetchSmall()).isEqualTo(otherName);
            }
            assertThat(stopped).isNotDone();                  // still waiting for the transfer
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (RawClient.Frame f = c.readFrame(); f.type() != RawClient.TYPE_FILE_END; f = c.readFrame()) {
                assertThat(f.type()).isEqualTo(RawClient.TYPE_FILE_DATA);
                data.write(f.body());
            }
            assertThat(data.toByteArray()).isEqualTo(big);
            stopped.get(20, TimeUnit.SECONDS);                // and then it stops, well within its grace
        }
    }
}
