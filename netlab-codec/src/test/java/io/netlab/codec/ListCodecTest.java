package io.netlab.codec;

import io.netlab.testing.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LIST_REQUEST, LIST_ENTRY and LIST_END (docs/protocol.md, section 3b) through the file codec. */
class ListCodecTest {
    private final EmbeddedChannel client = new EmbeddedChannel(FileFrameDecoder.forClient(1024));
    private final EmbeddedChannel server = new EmbeddedChannel(FileFrameDecoder.forServer());

    @AfterEach
    void nothingLeftBehind() {
        assertThat(client.finishAndReleaseAll()).isFalse();
        assertThat(server.finishAndReleaseAll()).isFalse();
    }

    private static byte[] encode(FileFrame... frames) {
        return FileFrameCodecTest.encode(frames);
    }

    private static ByteBuf entryBody(int kind, long size, long modified, byte[] path) {
        return Unpooled.buffer().writeByte(kind).writeLong(size).writeLong(modified).writeShort(path.length)
                .writeBytes(path);
    }

    private static byte[] array(ByteBuf buf) {
        return Bytes.drain(buf);
    }

    @Test
    void requestHasTheDocumentedLayout() {
        assertThat(ByteBufUtil.hexDump(encode(ListRequest.of("dir", true)))).isEqualTo(
                "4e4c0114" + "00000006" + "01" + "0003" + "646972");
        assertThat(ByteBufUtil.hexDump(encode(ListRequest.of("", false)))).isEqualTo(
                "4e4c0114" + "00000003" + "00" + "0000");
    }

    @Test
    void entryAndEndHaveTheDocumentedLayout() {
        assertThat(ByteBufUtil.hexDump(encode(new ListEntry(ListEntry.Kind.FILE, 5, 1000, "a/b")))).isEqualTo(
                "4e4c0115" + "00000016" + "00" + "0000000000000005" + "00000000000003e8" + "0003" + "612f62");
        assertThat(ByteBufUtil.hexDump(encode(new ListEnd(2)))).isEqualTo(
                "4e4c0116" + "00000008" + "0000000000000002");
    }

    @Test
    void responsesRoundTripSplitAnywhereByteByByteAndSeveralPerBuffer() {
        FileFrame[] frames = {
            new ListEntry(ListEntry.Kind.DIRECTORY, 0, 1_700_000_000_000L, "dïr"),
            new ListEntry(ListEntry.Kind.FILE, 5_000_000_000L, -1, "dïr/ünï code.txt"),
            new ListEntry(ListEntry.Kind.OTHER, 0, 0, "fifo"),
            new ListEntry(ListEntry.Kind.SKIPPED, 0, 0, "out-link"),
            new ListEnd(4),
            new FileError(ErrorCode.TOO_LARGE, "entries: 5 (expected: <= 4)"),
        };
        List<Object> got = Bytes.decodeEveryWay(encode(frames), () -> new EmbeddedChannel(FileFrameDecoder.forClient(1024)),
                o -> o);
        assertThat(got).containsExactly((Object[]) frames);
    }

    @Test
    void requestsRoundTripOnTheServerSideWithFileRequestsInBetween() {
        FileFrame[] frames = {
            ListRequest.of("", true), new FileRequest("a.txt", 1024), new ListRequest(0xFE, "dir/sub"),
        };
        List<Object> got = Bytes.decodeEveryWay(encode(frames), () -> new EmbeddedChannel(FileFrameDecoder.forServer()),
                o -> o);
        assertThat(got).containsExactly((Object[]) frames);
        assertThat(((ListRequest) got.get(2)).recursive()).isFalse();
        assertThat(((ListRequest) got.get(0)).recursive()).isTrue();
    }

    @Test
    void aServerRefusesListingAnswersAndAClientListingRequests() {
        assertThatThrownBy(() -> server.writeInbound(Bytes.frame(1, 0x15, new byte[19])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: LIST_ENTRY (0x15) (expected: one of FILE_REQUEST (0x10), LIST_REQUEST (0x14), PUT_REQUEST (0x18))");
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x14, new byte[3])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("type: LIST_REQUEST (0x14) (expected: one of FILE_HEADER");
    }

    @Test
    void oversizedFramesAreRejectedFromTheHeaderAlone() {
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x15).writeInt(19 + 4097);
        assertThatThrownBy(() -> client.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("LIST_ENTRY (0x15) length: 4116 (expected: <= 4115)");
        assertThat(header.refCnt()).isZero();
        ByteBuf request = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x14).writeInt(-1);
        assertThatThrownBy(() -> server.writeInbound(request))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("LIST_REQUEST (0x14) length: 4294967295 (expected: <= 4099)");
    }

    @Test
    void anEndOfTheWrongLengthIsRejected() {
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x16).writeInt(9);
        assertThatThrownBy(() -> client.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("LIST_END (0x16) length: 9 (expected: <= 8)");
    }

    @Test
    void aShortEndIsMalformed() {
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x16, new byte[7])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("entries: 7 bytes left in frame (expected: >= 8)");
    }

    @Test
    void aNegativeCountIsMalformed() {
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x16, array(Unpooled.buffer().writeLong(-1)))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("entries: -1 (expected: >= 0)");
    }

    @Test
    void anUnknownKindIsMalformed() {
        byte[] body = array(entryBody(4, 0, 0, "a".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x15, body)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("kind: 4 (expected: 0 FILE, 1 DIRECTORY, 2 OTHER or 3 SKIPPED)");
    }

    @Test
    void aNegativeSizeIsMalformed() {
        byte[] body = array(entryBody(0, -5, 0, "a".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x15, body)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("size: -5 (expected: >= 0)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "a/../b", "./a", "/etc/passwd", "C:/x", "C:", "a\\b", "a//b", "a/", "nul\0x"})
    void anEntryWhosePathBreaksTheRulesIsMalformed(String path) {
        byte[] body = array(entryBody(0, 1, 0, path.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x15, body)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("path: ");
        assertThatThrownBy(() -> new ListEntry(ListEntry.Kind.FILE, 1, 0, path))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEntryWithALongSegmentOrNotUtf8IsMalformed() {
        byte[] longSegment = array(entryBody(0, 1, 0, "x".repeat(256).getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x15, longSegment)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("path: a segment is 256 bytes long (expected: <= 255)");
        EmbeddedChannel other = new EmbeddedChannel(FileFrameDecoder.forClient(1024));
        byte[] notUtf8 = array(entryBody(0, 1, 0, new byte[] {(byte) 0xC3, 0x28}));
        assertThatThrownBy(() -> other.writeInbound(Bytes.frame(1, 0x15, notUtf8)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("path: invalid UTF-8 (expected: well-formed UTF-8)");
        assertThat(other.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bytesLeftOverInAnEntryAreMalformed() {
        ByteBuf body = entryBody(1, 0, 0, "d".getBytes(StandardCharsets.UTF_8)).writeByte(0);
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x15, array(body))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("1 unexpected bytes at the end");
    }

    @Test
    void afterAMalformedFrameEverythingElseIsDiscarded() {
        byte[] bad = array(entryBody(9, 0, 0, "a".getBytes(StandardCharsets.UTF_8)));
        ByteBuf both = Unpooled.wrappedBuffer(Bytes.drain(Bytes.frame(1, 0x15, bad)), encode(new ListEnd(0)));
        assertThatThrownBy(() -> client.writeInbound(both)).isInstanceOf(CorruptedFrameException.class);
        assertThat(both.refCnt()).isZero();
        assertThat(client.writeInbound(Unpooled.wrappedBuffer(encode(new ListEnd(0))))).isFalse();
    }

    @Test
    void flagsAreCarriedAsTheyAreForTheServerToCheck() {
        assertThat(server.writeInbound(Bytes.frame(1, 0x14, new byte[] {(byte) 0x81, 0, 1, 'a'}))).isTrue();
        ListRequest r = server.readInbound();
        assertThat(r).isEqualTo(new ListRequest(0x81, "a"));
        assertThat(r.recursive()).isTrue();
        assertThatThrownBy(() -> new ListRequest(256, "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flags: 256 (expected: 0..255)");
    }

    @Test
    void anOverlongPathIsNotEncoded() {
        EmbeddedChannel out = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        assertThatThrownBy(() -> out.writeOutbound(ListRequest.of("x".repeat(4097), false)))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("path: 4097 bytes of UTF-8 (expected: <= 4096)");
        assertThat(out.finishAndReleaseAll()).isFalse();
    }

    @Test
    void kindsMapToTheirWireValues() {
        for (ListEntry.Kind k : ListEntry.Kind.values()) {
            assertThat(ListEntry.Kind.fromId(k.id())).isSameAs(k);
        }
        assertThat(ListEntry.Kind.fromId(4)).isNull();
        assertThat(ListEntry.Kind.fromId(-1)).isNull();
    }
}
