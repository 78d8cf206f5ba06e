package io.netlab.server;

import io.netlab.codec.SumRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SumTextDecoderTest {
    private EmbeddedChannel channel = channel(false);

    private static EmbeddedChannel channel(boolean ended) {
        EmbeddedChannel ch = new EmbeddedChannel(new SumTextDecoder(ended));
        ch.freezeTime();
        return ch;
    }

    @AfterEach
    void noLeftovers() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private void write(String s) {
        channel.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    private void pause() {
        channel.advanceTimeBy(QuietInputDecoder.QUIET_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alice B,42\n", "Alice B 42\r\n", "Alice B\t42\n", "  Alice B ,  +42 \n", "Alice B\n42\n"})
    void theFormsStudentsSend(String line) {
        write(line);
        assertThat((Object) channel.readInbound()).isEqualTo(new SumRequest("Alice B", 42));
    }

    @Test
    void theLastIntegerTokenIsTheNumber() {
        write("Smith, John 3rd,-7\n");
        assertThat((Object) channel.readInbound()).isEqualTo(new SumRequest("Smith, John 3rd", -7));
        write("ignored: one request per connection\n");
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void withoutANewlineThePauseEndsIt() {
        write("Zoë,5");
        assertThat((Object) channel.readInbound()).isNull();
        pause();
        assertThat((Object) channel.readInbound()).isEqualTo(new SumRequest("Zoë", 5));
    }

    @Test
    void twoLinesWithoutTheLastNewlineAfterAPause() {
        write("Alice\n4");
        assertThat((Object) channel.readInbound()).isNull();
        write("2");
        pause();
        assertThat((Object) channel.readInbound()).isEqualTo(new SumRequest("Alice", 42));
    }

    @Test
    void theDetectorsPauseCounts() {
        channel = channel(true);
        write("Ana,1");
        assertThat((Object) channel.readInbound()).isEqualTo(new SumRequest("Ana", 1));
    }

    @Test
    void aHalfCloseEndsIt() {
        write("Ana 100");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat((Object) channel.readInbound()).isEqualTo(new SumRequest("Ana", 100));
    }

    @Test
    void unreadableLinesAreNamed() {
        assertThatThrownBy(() -> write("no number here\n\n")).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("lines: `no number here`, `` (expected: NAME,NUMBER, or NAME and NUMBER on two lines)");
        channel = channel(false);
        write("no number here");
        pause();
        assertThatThrownBy(channel::checkException).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("line: `no number here` (expected: NAME,NUMBER)");
        channel = channel(false);
        assertThatThrownBy(() -> write("Ana,99999999999\n")).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("number: 99999999999 (expected: a 32-bit integer)");
        channel = channel(false);
        assertThatThrownBy(() -> write("x".repeat(SumTextDecoder.MAX_LINE + 1))).isInstanceOf(TooLongFrameException.class);
        channel = channel(false);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', (byte) 0xff, ',', '1', '\n'})))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("invalid UTF-8");
    }
}
