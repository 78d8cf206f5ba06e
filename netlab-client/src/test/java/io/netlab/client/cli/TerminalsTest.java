package io.netlab.client.cli;

import io.netlab.client.TransferResult;
import io.netlab.client.Units;
import io.netlab.codec.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TerminalsTest {
    @TempDir
    Path tmp;

    @Test
    void aDescriptorIsATerminalWhenItPointsToATerminalDevice() throws Exception {
        assertThat(Terminals.isTerminal(Files.createSymbolicLink(tmp.resolve("pts"), Path.of("/dev/pts/3")))).isTrue();
        assertThat(Terminals.isTerminal(Files.createSymbolicLink(tmp.resolve("tty"), Path.of("/dev/tty1")))).isTrue();
        assertThat(Terminals.isTerminal(Files.createSymbolicLink(tmp.resolve("null"), Path.of("/dev/null")))).isFalse();
        assertThat(Terminals.isTerminal(Files.createSymbolicLink(tmp.resolve("pipe"), Path.of("pipe:[12345]")))).isFalse();
        assertThat(Terminals.isTerminal(Files.writeString(tmp.resolve("file"), "x"))).isFalse();
        assertThat(Terminals.isTerminal(tmp.resolve("closed"))).isFalse();
        // under Maven, the test JVM's standard error is a pipe
        assertThat(Terminals.isTerminal(Terminals.STDERR)).isFalse();
    }

    /** A channel over a byte array, for what the guard lets through. */
    private static GatheringByteChannel into(ByteArrayOutputStream bytes) {
        WritableByteChannel w = Channels.newChannel(bytes);
        return new GatheringByteChannel() {
            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws java.io.IOException {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += w.write(srcs[i]);
                }
                return n;
            }

            @Override
            public long write(ByteBuffer[] srcs) throws java.io.IOException {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public int write(ByteBuffer src) throws java.io.IOException {
                return w.write(src);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void textPassesToATerminalAndBinaryIsRefusedBeforeAnyOfItIsWritten() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        GatheringByteChannel guarded = Terminals.refuseBinary(into(text));
        guarded.write(new ByteBuffer[] {ByteBuffer.wrap("héllo\n".getBytes(StandardCharsets.UTF_8))});
        assertThat(text.toString(StandardCharsets.UTF_8)).isEqualTo("héllo\n");

        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        GatheringByteChannel refusing = Terminals.refuseBinary(into(binary));
        assertThatThrownBy(() -> refusing.write(new ByteBuffer[] {ByteBuffer.wrap("ELF".getBytes(StandardCharsets.US_ASCII)),
                ByteBuffer.wrap(new byte[] {1, 0, 2})}))
                .isInstanceOf(Terminals.BinaryOutputException.class)
                .hasMessage("the file is binary: not writing it to a terminal (redirect standard output, or use --force)");
        assertThat(binary.size()).isZero();

        ByteArrayOutputStream late = new ByteArrayOutputStream();
        GatheringByteChannel sniffedEnough = Terminals.refuseBinary(into(late));
        sniffedEnough.write(ByteBuffer.wrap("a".repeat(Terminals.SNIFF).getBytes(StandardCharsets.US_ASCII)));
        sniffedEnough.write(ByteBuffer.wrap(new byte[] {0}));
        assertThat(late.size()).isEqualTo(Terminals.SNIFF + 1);
    }

    @Test
    void theBarEndsOnTheSummarysRate() {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        long total = 10L * 1024 * 1024;
        try (ConsoleProgress bar = new ConsoleProgress("data.bin", new PrintStream(shown, true, StandardCharsets.UTF_8), 0)) {
            bar.start(total);
            bar.update(total / 2);
            bar.update(total);
            bar.finish();
            bar.done(new TransferResult(tmp.resolve("data.bin"), total, 409_000_000L, DigestAlgorithm.CRC32C, "6669151d"));
        }
        String out = shown.toString(StandardCharsets.UTF_8);
        String rate = Units.rate(total, 409_000_000L);
        assertThat(rate).isEqualTo("24.4 MiB/s");
        String[] frames = out.split("\r");
        assertThat(frames[frames.length - 1]).contains("100%", "10/10 MiB", rate).endsWith("\n");
    }

    @Test
    void noBarWhenItIsOff() {
        try (ConsoleProgress bar = ConsoleProgress.forFetch("x", Boolean.FALSE, false)) {
            bar.start(100);
            bar.update(100);
        }
    }
}
