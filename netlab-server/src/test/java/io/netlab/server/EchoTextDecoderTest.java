package io.netlab.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoTextDecoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new EchoTextDecoder(16));

    EchoTextDecoderTest() {
        channel.freezeTime();
    }

    @AfterEach
    void noLeftovers() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private void write(byte... bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private void write(String s) {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    private void pause(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void linesKeepTheirNewlineAndLoseTheirCarriageReturn() {
        write("one\r\ntw");
        write("o\n\nthree");
        assertThat((String) channel.readInbound()).isEqualTo("one\n");
        assertThat((String) channel.readInbound()).isEqualTo("two\n");
        assertThat((String) channel.readInbound()).isEqualTo("\n");
        assertThat((Object) channel.readInbound()).isNull();
        pause(QuietInputDecoder.QUIET_MILLIS);
        assertThat((String) channel.readInbound()).isEqualTo("three");
    }

    @Test
    void textWithoutANewlineWaitsForTheWholePause() {
        write("hello ");
        pause(QuietInputDecoder.QUIET_MILLIS - 100);
        write("world");
        pause(QuietInputDecoder.QUIET_MILLIS - 100);
        assertThat((Object) channel.readInbound()).isNull();
        pause(100);
        assertThat((String) channel.readInbound()).isEqualTo("hello world");
    }

    @Test
    void aCharacterSplitAcrossReadsWaitsForItsLastByte() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        write((byte) 'h', e[0]);
        pause(QuietInputDecoder.QUIET_MILLIS);
        assertThat((String) channel.readInbound()).isEqualTo("h");
        write(e[1], euro[0], euro[1]);
        pause(QuietInputDecoder.QUIET_MILLIS);
        assertThat((String) channel.readInbound()).isEqualTo("é");
        write(euro[2]);
        pause(QuietInputDecoder.QUIET_MILLIS);
        assertThat((String) channel.readInbound()).isEqualTo("€");
    }

    @Test
    void theLastBytesAreDecodedAtAHalfClose() {
        write("no newline");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat((String) channel.readInbound()).isEqualTo("no newline");
    }

    @Test
    void tooLongWithoutANewlineFailsAndDiscardsTheRest() {
        assertThatThrownBy(() -> write("x".repeat(17))).isInstanceOf(TooLongFrameException.class)
                .hasMessage("line: over 17 bytes (expected: <= 16)");
        write("more\n");
        pause(QuietInputDecoder.QUIET_MILLIS);
        assertThat((Object) channel.readInbound()).isNull();
    }
}
