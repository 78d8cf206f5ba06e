package io.netlab.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embeddable API: builders check their settings, start() binds and reports clearly when it cannot. */
class ServerBuilderTest {
    @TempDir
    Path dir;

    @Test
    void settingsAreCheckedWhenSet() {
        assertThatThrownBy(() -> EchoServer.builder().port(65536)).hasMessage("port: 65536 (expected: 0..65535)");
        assertThatThrownBy(() -> EchoServer.builder().threads(-1)).hasMessage("threads: -1 (expected: 0..1024)");
        assertThatThrownBy(() -> EchoServer.builder().maxConnections(0))
                .hasMessage("maxConnections: 0 (expected: 1..2147483647)");
        assertThatThrownBy(() -> EchoServer.builder().requestTimeout(Duration.ZERO))
                .hasMessage("requestTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> EchoServer.builder().idleTimeout(Duration.ofSeconds(-1)))
                .hasMessage("idleTimeout: PT-1S (expected: > 0)");
        assertThatThrownBy(() -> FileServer.builder().maxBlockSize(0))
                .hasMessage("maxBlockSize: 0 (expected: 1..16777216)");
        assertThatThrownBy(() -> SumServer.builder().name("n".repeat(1025)))
                .hasMessage("name: 1025 bytes of UTF-8 (expected: <= 1024)");
        assertThatThrownBy(() -> SumServer.builder().range(5, 4)).hasMessage("min: 5 (expected: <= max 4)");
        assertThatThrownBy(() -> FileServer.builder().root(dir.resolve("missing")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aFileServerNeedsARoot() {
        assertThatThrownBy(() -> FileServer.builder().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("root: not set (expected: FileServer.builder().root(dir))");
    }

    @Test
    void startBindsAnEphemeralPortAndCloseStopsIt() throws Exception {
        RunningServer server = FileServer.builder().root(dir).bind(InetAddress.getByName("127.0.0.1"))
                .transport(Transport.NIO).threads(1).start();
        assertThat(server.localAddress().getPort()).isPositive();
        assertThat(server.transport()).isEqualTo(Transport.NIO);
        assertThat(server.isStopping()).isFalse();
        server.close();
        assertThat(server.isStopping()).isTrue();
        assertThat(server.terminationFuture()).isDone();
    }

    @Test
    void aPortInUseIsAnIOException() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> EchoServer.builder().bind(InetAddress.getByName("127.0.0.1"))
                    .port(taken.getLocalPort()).start())
                    .isInstanceOf(IOException.class);
        }
    }
}
