package io.netlab.server;

import io.netlab.codec.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.EOFException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file modified in place while it is being sent is answered with an ERROR (IO_ERROR) instead of a FILE_END, as
 * tar reports "file changed as we read it": the server compares size, modification and change times taken when it
 * opened the file with those just before the end. The client reads slowly enough for the test to rewrite the file
 * mid-transfer.
 */
class ChangedFileTest {
    private static final int SIZE = 8 * 1024 * 1024;

    @TempDir
    Path root;
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}-byte blocks, digest {1}, rewritten {2}")
    @CsvSource({"1024, 1, in place", "65536, 0, in place", "65536, 1, in place", "1024, 1, grown"})
    void aFileChangedDuringItsTransferEndsInAnErrorNotAnEnd(int blockSize, int digest, String how) throws Exception {
        Path file = root.resolve("big.bin");
        byte[] content = new byte[SIZE];
        new Random(1).nextBytes(content);
        Files.write(file, content);
        server = FileServer.builder().root(root).bind(InetAddress.getByName("127.0.0.1")).threads(2)
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ofSeconds(1)).start();
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("big.bin", blockSize, 0, digest));
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            long data = 0;
            while (data < 256 * 1024) {
                data += c.readFrame().body().length;
            }
            TimeUnit.MILLISECONDS.sleep(20);     // past the file system's timestamp granularity
            try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
                byte[] other = new byte[4096];
                Arrays.fill(other, (byte) 0x5a);
                w.write(ByteBuffer.wrap(other), how.equals("grown") ? SIZE : SIZE - 100_000);   // not sent yet
                w.force(true);
            }
            RawClient.Frame f;
            while ((f = c.readFrame()).type() == RawClient.TYPE_FILE_DATA) {
                data += f.body().length;
            }
            assertThat(f.type()).as("after " + data + " bytes: an ERROR, not FILE_END").isEqualTo(RawClient.TYPE_ERROR);
            assertThat(data).isEqualTo(SIZE);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.IO_ERROR.code());
            assertThat(f.errorMessage()).startsWith("big.bin: changed while being sent (")
                    .contains(how.equals("grown") ? "size: 8388608 -> 8392704" : "modified: ")
                    .endsWith("); fetch it again");
            assertThat(c.closedByServer()).isTrue();
        } catch (EOFException e) {
            throw new AssertionError("the server closed without an answer", e);
        }
    }
}
