package io.netlab.client;

import io.netlab.codec.SumReply;
import io.netlab.codec.SumRequest;
import io.netlab.server.EchoServer;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netlab.server.SumServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code connectRetry}: a server that starts listening after the client started is reached; a retry that runs out
 * says how long it tried; without it a refused connection fails at once. Real sockets on 127.0.0.1.
 */
class ConnectRetryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }

    private static Endpoint at(int port, String path) {
        return new Endpoint("127.0.0.1", port, path);
    }

    /** Starts {@code client} in another thread, checks that it is still trying a moment later, then starts the server. */
    private static <T> T reachedOnceStarted(java.util.concurrent.Callable<T> client,
                                            java.util.concurrent.Callable<RunningServer> server) throws Exception {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> {
            try {
                return client.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        TimeUnit.MILLISECONDS.sleep(700);
        assertThat(result).as("the client gave up before the server started (%s)", result).isNotDone();
        try (RunningServer s = server.call()) {
            return result.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFetchReachesAFileServerThatStartsListeningAMomentLater() throws Exception {
        byte[] content = new byte[300_000];
        new Random(12).nextBytes(content);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.write(root.resolve("late.bin"), content);
        Path local = tmp.resolve("late-copy.bin");
        int port = freePort();
        TransferResult r = reachedOnceStarted(
                () -> FileFetcher.fetch(at(port, "late.bin"), "late.bin", local,
                        FetchOptions.builder().connectRetry(RETRY).build(), Progress.NONE),
                () -> TestServers.local(FileServer.builder(), Transport.AUTO).port(port).root(root).start());
        assertThat(r.bytes()).isEqualTo(content.length);
        assertThat(Files.readAllBytes(local)).isEqualTo(content);
    }

    @Test
    void aRawFetchRetriesToo() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "raw bytes");
        Path local = tmp.resolve("a-copy.txt");
        int port = freePort();
        RawResult r = reachedOnceStarted(
                () -> RawFetcher.fetch(at(port, "a.txt"), "a.txt", local,
                        FetchOptions.builder().connectRetry(RETRY).build(), Progress.NONE),
                () -> TestServers.local(FileServer.builder(), Transport.AUTO).port(port).root(root).start());
        assertThat(r.bytes()).isEqualTo(9);
        assertThat(Files.readString(local)).isEqualTo("raw bytes");
    }

    @Test
    void sumAndEchoReachServersThatStartAMomentLater() throws Exception {
        int sumPort = freePort();
        SumReply reply = reachedOnceStarted(
                () -> SumClient.exchange(at(sumPort, null), new SumRequest("Ana", 9), TIMEOUT, Transport.AUTO, null, RETRY),
                () -> TestServers.local(SumServer.builder(), Transport.AUTO).port(sumPort).name("Server of B")
                        .number(33).keepRunning(true).start());
        assertThat(reply).isEqualTo(new SumReply("Server of B", 33, 42));

        int textPort = freePort();
        SumReply text = reachedOnceStarted(
                () -> SumTextClient.exchange(at(textPort, null), new SumRequest("Ana", 10), TIMEOUT, Transport.AUTO,
                        null, RETRY),
                () -> TestServers.local(SumServer.builder(), Transport.AUTO).port(textPort).name("Server of C")
                        .number(5).keepRunning(true).start());
        assertThat(text.sum()).isEqualTo(15);

        int echoPort = freePort();
        String answer = reachedOnceStarted(() -> {
            try (EchoClient c = EchoClient.connect(at(echoPort, null), TIMEOUT, Transport.AUTO, null, RETRY)) {
                return c.send("hello from the lab");
            }
        }, () -> TestServers.local(EchoServer.builder(), Transport.AUTO).port(echoPort).start());
        assertThat(answer).isEqualTo("HELLO FROM THE LAB");
    }

    @Test
    void aRetryThatRunsOutSaysHowLongItTried() throws Exception {
        int port = freePort();
        Path local = tmp.resolve("never.bin");
        assertThatThrownBy(() -> FileFetcher.fetch(at(port, "x"), "x", local,
                FetchOptions.builder().connectRetry(Duration.ofMillis(600)).build(), Progress.NONE))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
                    assertThat(e.getMessage()).matches("connection refused: 127\\.0\\.0\\.1:" + port
                            + " \\(is the server running on that port\\?\\); tried for \\d+\\.\\d s \\(\\d+ attempts\\)");
                });
        assertThat(local).doesNotExist();
        assertThatThrownBy(() -> SumClient.exchange(at(port, null), new SumRequest("Ana", 9), TIMEOUT, Transport.AUTO,
                null, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.getMessage()).contains("; tried for "));
    }

    @Test
    void anUnknownHostIsTriedAgainThenNamedInTheFailure() throws Exception {
        // .invalid never resolves (RFC 2606)
        assertThatThrownBy(() -> EchoClient.connect(new Endpoint("netlab-nosuch.invalid", 9, null), TIMEOUT,
                Transport.AUTO, null, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
                    assertThat(e.getMessage()).startsWith("unknown host: netlab-nosuch.invalid; tried for ");
                });
    }

    @Test
    void withoutARetryARefusedConnectionFailsAtOnce() throws Exception {
        int port = freePort();
        CompletableFuture<Object> attempt = CompletableFuture.supplyAsync(() -> {
            try {
                return SumClient.exchange(at(port, null), new SumRequest("Ana", 9), TIMEOUT, Transport.AUTO);
            } catch (Exception e) {
                return e;
            }
        });
        Object outcome;
        try {
            // a client that retried would still be trying when a server appears on the port; this one is done
            outcome = attempt.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
        assertThat(outcome).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
            assertThat(e.getMessage()).isEqualTo("connection refused: 127.0.0.1:" + port
                    + " (is the server running on that port?)");
        });
    }

    @Test
    void aNegativeRetryIsRefused() {
        assertThatThrownBy(() -> FetchOptions.builder().connectRetry(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectRetry: PT-1S (expected: >= 0)");
        assertThat(FetchOptions.defaults().connectRetry()).isZero();
        assertThat(FetchOptions.defaults().withConnectRetry(Duration.ofSeconds(30)).connectRetry())
                .isEqualTo(Duration.ofSeconds(30));
    }
}
