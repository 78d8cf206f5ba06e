package io.netlab.codec;

import io.netlab.testing.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SumCodecTest {
    private final EmbeddedChannel decoder = new EmbeddedChannel(new SumDecoder(SumConstants.MAX_NAME_LENGTH));

    @AfterEach
    void nothingLeftBehind() {
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    private static byte[] encode(SumFrame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(SumEncoder.INSTANCE);
        for (SumFrame f : frames) {
            assertThat(ch.writeOutbound(f)).isTrue();
        }
        byte[] out = Bytes.outbound(ch);
        assertThat(ch.finish()).isFalse();
        return out;
    }

    @Test
    void requestHasTheDocumentedLayout() {
        byte[] wire = encode(new SumRequest("Ana", 42));
        ByteBuf expected = Unpooled.buffer()
                .writeBytes(new byte[] {'N', 'L', 1, 0x01, 0, 0, 0, 9})
                .writeShort(3).writeBytes("Ana".getBytes(StandardCharsets.UTF_8)).writeInt(42);
        assertThat(wire).isEqualTo(Bytes.drain(expected));
    }

    @Test
    void everyFrameTypeRoundTripsSplitAnywhereAndByteByByte() {
        SumFrame[] frames = {
            new SumRequest("Zoë 🚀", 100),
            new SumReply("Server of John Q. Smith", 17, 117L),
            new SumError(ErrorCode.OUT_OF_RANGE, "number: 101 (expected: 1..100)"),
            new SumRequest("", Integer.MIN_VALUE),
        };
        byte[] wire = encode(frames);
        List<Object> got = Bytes.decodeEveryWay(wire,
                () -> new EmbeddedChannel(new SumDecoder(SumConstants.MAX_NAME_LENGTH)), Function.identity());
        assertThat(got).containsExactly((Object[]) frames);
    }

    @Test
    void severalFramesInOneBufferAllComeOut() {
        byte[] wire = encode(new SumRequest("a", 1), new SumRequest("b", 2), new SumRequest("c", 3));
        assertThat(decoder.writeInbound(Unpooled.wrappedBuffer(wire))).isTrue();
        assertThat(decoder.<Object>readInbound()).isEqualTo(new SumRequest("a", 1));
        assertThat(decoder.<Object>readInbound()).isEqualTo(new SumRequest("b", 2));
        assertThat(decoder.<Object>readInbound()).isEqualTo(new SumRequest("c", 3));
        assertThat(decoder.<Object>readInbound()).isNull();
    }

    @Test
    void oversizedLengthIsRejectedFromTheHeaderAlone() {
        EmbeddedChannel ch = new EmbeddedChannel(new SumDecoder(8));
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(1).writeInt(15);
        assertThatThrownBy(() -> ch.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("SUM_REQUEST (0x01) length: 15 (expected: <= 14)");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFourGigabyteLengthIsRejectedAtOnce() {
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(1).writeInt(0xFFFFFFFF);
        assertThatThrownBy(() -> decoder.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("length: 4294967295 (expected: <= 1030)");
    }

    @Test
    void nameLongerThanTheLimitIsRejected() {
        EmbeddedChannel ch = new EmbeddedChannel(new SumDecoder(8));
        // length fits the frame limit (6 + 8) but the name count inside says 9
        byte[] body = Unpooled.buffer().writeShort(9).writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII)).array();
        ByteBuf frame = Bytes.frame(1, 1, java.util.Arrays.copyOf(body, 14));
        assertThatThrownBy(() -> ch.writeInbound(frame))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("name: 9 bytes (expected: <= 8)");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void malformedUtf8IsRejectedNotReplaced() {
        byte[] body = {0, 2, (byte) 0xC3, 0x28, 0, 0, 0, 1};
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(1, 1, body)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("name: invalid UTF-8 (expected: well-formed UTF-8)");
    }

    @Test
    void httpRequestIsRejectedOnItsFirstByteWithAHint() {
        assertThatThrownBy(() -> decoder.writeInbound(
                Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("magic: 0x4745 (expected: 0x4e4c \"NL\"): not a netlab peer, this looks like an HTTP request "
                        + "(GET /); received \"GET / HTTP/1.1\\r\\n...\" (47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a ...)");
    }

    @Test
    void tlsClientHelloIsRecognised() {
        ByteBuf hello = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc});
        assertThatThrownBy(() -> decoder.writeInbound(hello))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("not a netlab peer, this looks like a TLS handshake; received \"\\x16\\x03\\x01");
    }

    @Test
    void foreignBytesAreNamedAsTheDialectTheyLikelyAre() {
        assertThatThrownBy(() -> decoder.writeInbound(Unpooled.copiedBuffer("Ana,42\n", StandardCharsets.US_ASCII)))
                .hasMessage("magic: 0x416e (expected: 0x4e4c \"NL\"): not a netlab peer, this looks like a lab-style sum "
                        + "request `Ana,42`; received \"Ana,42\\n\" (41 6e 61 2c 34 32 0a)");
        EmbeddedChannel client = new EmbeddedChannel(SumDecoder.forClient());
        assertThatThrownBy(() -> client.writeInbound(Unpooled.copiedBuffer("Server of Ada,7\n", StandardCharsets.US_ASCII)))
                .hasMessageContaining("not a netlab peer, this looks like text (`Server of Ada,7`); received");
        EmbeddedChannel files = new EmbeddedChannel(FileFrameDecoder.forServer());
        assertThatThrownBy(() -> files.writeInbound(Unpooled.copiedBuffer("test.txt", StandardCharsets.US_ASCII)))
                .hasMessage("magic: 0x7465 (expected: 0x4e4c \"NL\"): not a netlab peer, this looks like a raw lab file "
                        + "request for `test.txt`; received \"test.txt\" (74 65 73 74 2e 74 78 74)");
    }

    @Test
    void aSingleWrongByteFailsWithoutWaitingForMore() {
        assertThatThrownBy(() -> decoder.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'})))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("magic: 0x78 (expected: 0x4e4c");
    }

    @Test
    void afterAFailureEverythingElseIsDiscarded() {
        assertThatThrownBy(() -> decoder.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'})))
                .isInstanceOf(DecoderException.class);
        assertThat(decoder.writeInbound(Unpooled.wrappedBuffer(encode(new SumRequest("a", 1))))).isFalse();
    }

    @Test
    void anotherVersionIsReportedWithTheVersionSeen() {
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(2, 1, new byte[6])))
                .isInstanceOf(UnsupportedVersionException.class)
                .hasMessage("version: 2 (expected: 1)")
                .satisfies(e -> assertThat(((UnsupportedVersionException) e).version()).isEqualTo(2));
    }

    @Test
    void unknownTypeIsRejected() {
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(1, 0x42, new byte[0])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: unknown (0x42) (expected: one of SUM_REQUEST (0x01), SUM_REPLY (0x02), ERROR (0x7f))");
    }

    @Test
    void serverDecoderRefusesReplies() {
        EmbeddedChannel server = new EmbeddedChannel(SumDecoder.forServer());
        assertThatThrownBy(() -> server.writeInbound(Unpooled.wrappedBuffer(encode(new SumReply("s", 1, 2)))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: SUM_REPLY (0x02) (expected: SUM_REQUEST (0x01))");
        assertThat(server.finishAndReleaseAll()).isFalse();
    }

    @Test
    void clientDecoderRefusesRequests() {
        EmbeddedChannel client = new EmbeddedChannel(SumDecoder.forClient());
        assertThatThrownBy(() -> client.writeInbound(Unpooled.wrappedBuffer(encode(new SumRequest("s", 1)))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("(expected: SUM_REPLY (0x02) or ERROR (0x7f))");
        assertThat(client.finishAndReleaseAll()).isFalse();
    }

    @Test
    void truncatedBodyAndTrailingBytesAreErrors() {
        // the name count says 10 but the frame holds 2 bytes after it
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(1, 1, new byte[] {0, 10, 'a', 'b'})))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("name: 2 bytes left in frame (expected: >= 10)");
        EmbeddedChannel other = new EmbeddedChannel(new SumDecoder(16));
        assertThatThrownBy(() -> other.writeInbound(Bytes.frame(1, 1, new byte[] {0, 1, 'a', 0, 0, 0, 1, 9})))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("SUM_REQUEST (0x01): 1 unexpected bytes at the end of a 8-byte body");
        assertThat(other.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aTruncatedFrameFollowedByACloseYieldsNothing() {
        byte[] wire = encode(new SumRequest("abc", 5));
        assertThat(decoder.writeInbound(Unpooled.wrappedBuffer(wire, 0, wire.length - 1))).isFalse();
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    @Test
    void unknownErrorCodeDecodesAsUndefined() {
        byte[] body = {0x03, (byte) 0xE7, 0, 2, 'h', 'i'};
        assertThat(decoder.writeInbound(Bytes.frame(1, 0x7F, body))).isTrue();
        assertThat(decoder.<Object>readInbound()).isEqualTo(new SumError(ErrorCode.UNDEFINED, "hi"));
    }

    @Test
    void encoderRefusesAnOverlongNameAndCutsOverlongMessages() {
        EmbeddedChannel ch = new EmbeddedChannel(SumEncoder.INSTANCE);
        assertThatThrownBy(() -> ch.writeOutbound(new SumRequest("x".repeat(1025), 1)))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("name: 1025 bytes of UTF-8 (expected: <= 1024)");
        assertThat(ch.writeOutbound(new SumError(ErrorCode.BUSY, "y".repeat(5000)))).isTrue();
        byte[] wire = Bytes.outbound(ch);
        assertThat(wire.length).isEqualTo(NetlabFrames.HEADER_LENGTH + 4 + 1024);
        assertThat(decoder.writeInbound(Unpooled.wrappedBuffer(wire))).isTrue();
        SumError e = decoder.readInbound();
        assertThat(e.message()).hasSize(1024).endsWith("...");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void constructorRejectsBadLimits() {
        assertThatThrownBy(() -> new SumDecoder(-1)).hasMessage("maxNameLength: -1 (expected: 0..1024)");
        assertThatThrownBy(() -> new SumDecoder(2000)).hasMessage("maxNameLength: 2000 (expected: 0..1024)");
    }
}
