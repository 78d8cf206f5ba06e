package io.netlab.codec;

import io.netlab.testing.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileFrameCodecTest {
    private final EmbeddedChannel decoder = new EmbeddedChannel(new FileFrameDecoder(1024));

    @AfterEach
    void nothingLeftBehind() {
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    static byte[] encode(FileFrame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        for (FileFrame f : frames) {
            assertThat(ch.writeOutbound(f)).isTrue();
        }
        byte[] out = Bytes.outbound(ch);
        assertThat(ch.finish()).isFalse();
        return out;
    }

    /** Chunks compare by content; everything else by equals. */
    private static Object comparable(Object o) {
        return o instanceof FileChunk c ? "chunk:" + ByteBufUtil.hexDump(c.content()) : o;
    }

    @Test
    void everyFrameTypeRoundTripsSplitAnywhereAndByteByByte() {
        FileFrame[] frames = {
            new FileRequest("dir/ünïcode:name.txt", 1024, 0, DigestAlgorithm.SHA256),
            new FileHeader(FileHeader.Status.OK, 5_000_000_000L, 0, 1024, DigestAlgorithm.CRC32C),
            new FileChunk(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})),
            new FileChunk(Unpooled.wrappedBuffer(new byte[1024])),
            new FileEnd(1027, DigestAlgorithm.CRC32C, new byte[] {9, 8, 7, 6}),
            new FileEnd(0, DigestAlgorithm.NONE, new byte[0]),
            new FileError(ErrorCode.NOT_FOUND, "path: missing.txt (no such file)"),
        };
        byte[] wire = encode(frames);
        List<Object> got = Bytes.decodeEveryWay(wire, () -> new EmbeddedChannel(new FileFrameDecoder(1024)),
                FileFrameCodecTest::comparable);
        assertThat(got).containsExactly(
                frames[0], frames[1], "chunk:010203", "chunk:" + "00".repeat(1024), frames[4], frames[5], frames[6]);
    }

    @Test
    void requestHasTheDocumentedLayout() {
        byte[] wire = encode(new FileRequest("a.txt", 1024, 0, DigestAlgorithm.CRC32C));
        assertThat(ByteBufUtil.hexDump(wire)).isEqualTo(
                "4e4c0110" + "00000014" + "00000400" + "0000000000000000" + "01" + "0005" + "612e747874");
    }

    @Test
    void dataPayloadIsASliceOfTheReceivedBytesNotACopy() {
        ByteBuf in = Unpooled.wrappedBuffer(encode(new FileChunk(Unpooled.wrappedBuffer(new byte[] {5, 6, 7}))));
        byte[] backing = in.array();
        assertThat(decoder.writeInbound(in)).isTrue();
        FileChunk chunk = decoder.readInbound();
        try {
            assertThat(chunk.content().hasArray()).isTrue();
            assertThat(chunk.content().array()).isSameAs(backing);
            assertThat(chunk.content().arrayOffset() + chunk.content().readerIndex()).isEqualTo(8);
        } finally {
            chunk.release();
        }
        assertThat(in.refCnt()).isZero();
    }

    @Test
    void encoderSendsTheChunkPayloadItselfBehindAHeader() {
        EmbeddedChannel ch = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        ByteBuf payload = Unpooled.directBuffer().writeBytes(new byte[] {1, 2, 3, 4});
        assertThat(ch.writeOutbound(new FileChunk(payload))).isTrue();
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("4e4c011200000004");
        assertThat(body).isSameAs(payload);
        header.release();
        body.release();
        assertThat(payload.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void severalFramesInOneBufferAllComeOut() {
        byte[] wire = encode(new FileHeader(FileHeader.Status.OK, 2, 0, 1024, DigestAlgorithm.NONE),
                new FileChunk(Unpooled.wrappedBuffer(new byte[] {1})),
                new FileChunk(Unpooled.wrappedBuffer(new byte[] {2})),
                new FileEnd(2, DigestAlgorithm.NONE, new byte[0]));
        assertThat(decoder.writeInbound(Unpooled.wrappedBuffer(wire))).isTrue();
        assertThat(decoder.inboundMessages()).hasSize(4);
        assertThat(decoder.<Object>readInbound()).isInstanceOf(FileHeader.class);
        FileChunk a = decoder.readInbound();
        FileChunk b = decoder.readInbound();
        assertThat(a.content().getByte(0)).isEqualTo((byte) 1);
        assertThat(b.content().getByte(0)).isEqualTo((byte) 2);
        a.release();
        b.release();
        assertThat(decoder.<Object>readInbound()).isEqualTo(new FileEnd(2, DigestAlgorithm.NONE, new byte[0]));
    }

    @Test
    void dataLongerThanTheBlockSizeIsRejectedBeforeBuffering() {
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x12).writeInt(1025);
        assertThatThrownBy(() -> decoder.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("FILE_DATA (0x12) length: 1025 (expected: <= 1024)");
    }

    @Test
    void emptyDataFramesAreRejected() {
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(1, 0x12, new byte[0])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("FILE_DATA length: 0 (expected: >= 1)");
    }

    @Test
    void pathLongerThanTheLimitIsRejected() {
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x10).writeInt(15 + 4097);
        assertThatThrownBy(() -> decoder.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("FILE_REQUEST (0x10) length: 4112 (expected: <= 4111)");
    }

    @Test
    void headerFieldsAreValidated() {
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(1, 0x11, ByteBufUtil.getBytes(
                Unpooled.buffer().writeByte(7).writeLong(1).writeLong(0).writeInt(1).writeByte(1)))))
                .isInstanceOf(CorruptedFrameException.class).hasMessage("status: 7 (expected: 0 OK or 1 PARTIAL)");
        EmbeddedChannel d2 = new EmbeddedChannel(new FileFrameDecoder(1024));
        assertThatThrownBy(() -> d2.writeInbound(Bytes.frame(1, 0x11, ByteBufUtil.getBytes(
                Unpooled.buffer().writeByte(0).writeLong(-1).writeLong(0).writeInt(1).writeByte(1)))))
                .isInstanceOf(CorruptedFrameException.class).hasMessage("size: -1 (expected: >= 0)");
        EmbeddedChannel d3 = new EmbeddedChannel(new FileFrameDecoder(1024));
        assertThatThrownBy(() -> d3.writeInbound(Bytes.frame(1, 0x11, ByteBufUtil.getBytes(
                Unpooled.buffer().writeByte(0).writeLong(10).writeLong(0).writeInt(4096).writeByte(1)))))
                .isInstanceOf(CorruptedFrameException.class).hasMessage("blockSize: 4096 (expected: 1..1024)");
        EmbeddedChannel d4 = new EmbeddedChannel(new FileFrameDecoder(1024));
        assertThatThrownBy(() -> d4.writeInbound(Bytes.frame(1, 0x11, ByteBufUtil.getBytes(
                Unpooled.buffer().writeByte(0).writeLong(10).writeLong(0).writeInt(16).writeByte(9)))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("digest: 9 (expected: 0 none, 1 crc32c or 2 sha256)");
        assertThat(d2.finishAndReleaseAll()).isFalse();
        assertThat(d3.finishAndReleaseAll()).isFalse();
        assertThat(d4.finishAndReleaseAll()).isFalse();
    }

    @Test
    void endWithADigestOfTheWrongLengthIsRejected() {
        byte[] body = Unpooled.buffer().writeLong(5).writeByte(1).writeByte(3).writeBytes(new byte[3]).array();
        assertThatThrownBy(() -> decoder.writeInbound(Bytes.frame(1, 0x13, java.util.Arrays.copyOf(body, 13))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("digestLen: 3 (expected: 4 for CRC32C)");
    }

    @Test
    void serverDecoderAcceptsOnlyRequests() {
        EmbeddedChannel server = new EmbeddedChannel(FileFrameDecoder.forServer());
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x12).writeInt(1_000_000);
        assertThatThrownBy(() -> server.writeInbound(header))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: FILE_DATA (0x12) (expected: one of FILE_REQUEST (0x10), LIST_REQUEST (0x14), PUT_REQUEST (0x18))");
        assertThat(server.finishAndReleaseAll()).isFalse();
    }

    @Test
    void clientDecoderRefusesRequestsAndNameIntFrames() {
        EmbeddedChannel client = new EmbeddedChannel(FileFrameDecoder.forClient(1024));
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x02, new byte[14])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("type: SUM_REPLY (0x02) (expected: one of FILE_HEADER");
        assertThat(client.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aTruncatedDataFrameFollowedByACloseLeaksNothing() {
        byte[] wire = encode(new FileChunk(Unpooled.wrappedBuffer(new byte[100])));
        assertThat(decoder.writeInbound(Unpooled.wrappedBuffer(wire, 0, 50))).isFalse();
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bigBlockSizesUpToTheMaximumAreAccepted() {
        EmbeddedChannel big = new EmbeddedChannel(new FileFrameDecoder(FileConstants.MAX_BLOCK_SIZE));
        byte[] payload = new byte[FileConstants.MAX_BLOCK_SIZE];
        payload[payload.length - 1] = 42;
        assertThat(big.writeInbound(Unpooled.wrappedBuffer(encode(new FileChunk(Unpooled.wrappedBuffer(payload)))))).isTrue();
        FileChunk c = big.readInbound();
        assertThat(c.content().readableBytes()).isEqualTo(FileConstants.MAX_BLOCK_SIZE);
        assertThat(c.content().getByte(FileConstants.MAX_BLOCK_SIZE - 1)).isEqualTo((byte) 42);
        c.release();
        assertThat(big.finishAndReleaseAll()).isFalse();
        assertThatThrownBy(() -> new FileFrameDecoder(FileConstants.MAX_BLOCK_SIZE + 1))
                .hasMessage("maxChunkLength: 16777217 (expected: 1..16777216)");
    }

    @Test
    void coalescingDecoderHandsOnRunsOfSlicesWithTheSamePayloadsWhereverTheBytesAreCut() {
        FileFrame[] frames = new FileFrame[12];
        byte[] expected = new byte[0];
        frames[0] = new FileHeader(FileHeader.Status.OK, 10 * 100 + 7, 0, 100, DigestAlgorithm.NONE);
        for (int i = 1; i <= 10; i++) {
            byte[] b = new byte[100];
            java.util.Arrays.fill(b, (byte) i);
            frames[i] = new FileChunk(Unpooled.wrappedBuffer(b));
            expected = concat(expected, b);
        }
        frames[11] = new FileChunk(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7}));
        expected = concat(expected, new byte[] {1, 2, 3, 4, 5, 6, 7});
        byte[] wire = concat(encode(frames), encode(new FileEnd(1007, DigestAlgorithm.NONE, new byte[0])));
        for (int cut = 0; cut < wire.length; cut += 13) {
            EmbeddedChannel d = new EmbeddedChannel(FileFrameDecoder.forClient(100).coalesceData(true));
            java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
            int runs = 0;
            int[] payloads = {0};
            for (ByteBuf piece : new ByteBuf[] {Unpooled.wrappedBuffer(wire, 0, cut),
                    Unpooled.wrappedBuffer(wire, cut, wire.length - cut)}) {
                d.writeInbound(piece);
                for (Object o; (o = d.readInbound()) != null; ) {
                    if (o instanceof FileDataRun run) {
                        runs++;
                        run.forEachPayload((buf, index, length) -> {
                            payloads[0]++;
                            payload.write(ByteBufUtil.getBytes(buf, index, length), 0, length);
                        });
                        run.release();
                    } else if (o instanceof FileChunk c) {
                        payloads[0]++;
                        payload.write(ByteBufUtil.getBytes(c.content()), 0, c.content().readableBytes());
                        c.release();
                    }
                }
            }
            assertThat(payload.toByteArray()).as("cut at %d", cut).isEqualTo(expected);
            assertThat(payloads[0]).isEqualTo(11);
            assertThat(runs).isBetween(1, 2);
            assertThat(d.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void aRunIsASliceOfTheReceivedBytesAndStopsBeforeABadFrame() {
        byte[] good = encode(new FileChunk(Unpooled.wrappedBuffer(new byte[] {1})),
                new FileChunk(Unpooled.wrappedBuffer(new byte[] {2})));
        byte[] bad = {'N', 'L', 1, 0x12, 0, 0, 0x10, 0};      // 4096 > 1024
        ByteBuf in = Unpooled.wrappedBuffer(concat(good, bad));
        byte[] backing = in.array();
        EmbeddedChannel d = new EmbeddedChannel(FileFrameDecoder.forClient(1024).coalesceData(true));
        assertThatThrownBy(() -> d.writeInbound(in)).isInstanceOf(TooLongFrameException.class);
        FileDataRun run = d.readInbound();
        assertThat(run.payloadBytes()).isEqualTo(2);
        assertThat(run.content().array()).isSameAs(backing);
        assertThat(run.content().readableBytes()).isEqualTo(good.length);
        run.release();
        assertThat(d.finishAndReleaseAll()).isFalse();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void messagesValidateTheirFields() {
        assertThatThrownBy(() -> new FileChunk(Unpooled.EMPTY_BUFFER)).hasMessage("content: 0 bytes (expected: >= 1)");
        assertThatThrownBy(() -> new FileEnd(1, DigestAlgorithm.SHA256, new byte[4]))
                .hasMessage("digest length: 4 (expected: 32 for SHA256)");
        assertThatThrownBy(() -> new FileHeader(FileHeader.Status.OK, 10, 11, 1, DigestAlgorithm.NONE))
                .hasMessage("offset: 11 (expected: 0..10)");
    }
}
