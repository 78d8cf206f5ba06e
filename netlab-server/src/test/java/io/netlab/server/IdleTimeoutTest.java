package io.netlab.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle timeout counts progress, not silence: a reader that takes bytes slowly but steadily is never cut off,
 * one that stopped reading is. A 1 s idle timeout, a 64 MiB file, readers on raw sockets.
 */
class IdleTimeoutTest {
    private static final long MiB = 1024 * 1024;

    @TempDir
    static Path root;
    private RunningServer server;

    @BeforeAll
    static void files() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(64 * MiB);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RunningServer start(Transport transport) throws Exception {
        return start(transport, Duration.ofSeconds(1));
    }

    private RunningServer start(Transport transport, Duration idleTimeout) throws Exception {
        return server = FileServer.builder().root(root).bind(InetAddress.getByName("127.0.0.1")).transport(transport)
                .threads(2).idleTimeout(idleTimeout).requestTimeout(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ofSeconds(1)).start();
    }

    private void awaitConnections(int n, long seconds) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
             server.connectionCount() != n && System.nanoTime() < end; ) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @ParameterizedTest(name = "{0} blocks of {1} B, digest {2}")
    @CsvSource({"EPOLL, 1024, 1", "EPOLL, 65536, 0", "NIO, 1024, 1", "NIO, 65536, 0"})
    void aSlowReaderThatKeepsReadingIsNotCutOff(Transport transport, int blockSize, int digest) throws Exception {
        // a 2 s timeout, not 1 s: on a loaded machine (CI, parallel builds) the reading thread itself was once
        // descheduled for most of a second, which is no progress whatever the server does
        start(transport, Duration.ofSeconds(2));
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("big.bin", blockSize, 0, digest));
            InputStream in = c.socket().getInputStream();
            byte[] buf = new byte[16 * 1024];
            long read = 0;
            // 16 KiB every 50 ms, about 320 KiB/s, for 5 s: two and a half idle timeouts, never 2 s without progress
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); System.nanoTime() < end; ) {
                int n = in.readNBytes(buf, 0, buf.length);
                assertThat(n).as("bytes after " + read).isEqualTo(buf.length);
                read += n;
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertThat(server.connectionCount()).as("connections still open after " + read + " bytes").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void aReaderThatStoppedIsCutOff(Transport transport) throws Exception {
        start(transport);
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("big.bin", 1024, 0, 1));
            c.socket().getInputStream().readNBytes(64 * 1024);   // a little, then nothing
            awaitConnections(0, 10);
            assertThat(server.connectionCount()).as("connections left open").isZero();
        }
    }
}
