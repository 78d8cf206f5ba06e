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

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upload frames (docs/protocol.md, 3c): layouts, both decoders' roles, limits, malformed input. */
class PutCodecTest {
    private final EmbeddedChannel server = new EmbeddedChannel(FileFrameDecoder.forServer());
    private final EmbeddedChannel client = new EmbeddedChannel(FileFrameDecoder.forUploadClient());

    @AfterEach
    void nothingLeftBehind() {
        assertThat(server.finishAndReleaseAll()).isFalse();
        assertThat(client.finishAndReleaseAll()).isFalse();
    }

    private static byte[] encode(FileFrame... frames) {
        return FileFrameCodecTest.encode(frames);
    }

    private static Object comparable(Object o) {
        return o instanceof FileChunk c ? "chunk:" + ByteBufUtil.hexDump(c.content()) : o;
    }

    private static FileFrameDecoder decoderOf(EmbeddedChannel ch) {
        return ch.pipeline().get(FileFrameDecoder.class);
    }

    @Test
    void putRequestHasTheDocumentedLayout() {
        byte[] wire = encode(new PutRequest("a.txt", 13, 1024, DigestAlgorithm.CRC32C, PutRequest.OVERWRITE));
        assertThat(ByteBufUtil.hexDump(wire)).isEqualTo(
                "4e4c0118" + "00000015" + "01" + "000000000000000d" + "00000400" + "01" + "0005" + "612e747874");
    }

    @Test
    void putReadyAndPutDoneHaveTheDocumentedLayout() {
        assertThat(ByteBufUtil.hexDump(encode(new PutReady(5, 1024))))
                .isEqualTo("4e4c0119" + "0000000c" + "0000000000000005" + "00000400");
        assertThat(ByteBufUtil.hexDump(encode(new PutDone(13, DigestAlgorithm.CRC32C, new byte[] {1, 2, 3, 4}))))
                .isEqualTo("4e4c011a" + "0000000e" + "000000000000000d" + "01" + "04" + "01020304");
    }

    @Test
    void theServersSideRoundTripsSplitAnywhereAndByteByByte() {
        PutRequest request = new PutRequest("dir/ünï.txt", 1027, 1024, DigestAlgorithm.SHA256,
                PutRequest.OVERWRITE | PutRequest.CONTINUE | PutRequest.MKDIRS);
        assertThat(request.overwrite()).isTrue();
        assertThat(request.resume()).isTrue();
        byte[] wire = encode(request);
        List<Object> got = Bytes.decodeEveryWay(wire, () -> new EmbeddedChannel(FileFrameDecoder.forServer()),
                PutCodecTest::comparable);
        assertThat(got).containsExactly(request);
        // and the upload's data and end, once the server has said PUT_READY
        FileEnd end = new FileEnd(1027, DigestAlgorithm.CRC32C, new byte[] {9, 8, 7, 6});
        byte[] data = encode(new FileChunk(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})),
                new FileChunk(Unpooled.wrappedBuffer(new byte[1024])), end);
        got = Bytes.decodeEveryWay(data, () -> new EmbeddedChannel(FileFrameDecoder.forServer().acceptUpload(1024)),
                PutCodecTest::comparable);
        assertThat(got).containsExactly("chunk:010203", "chunk:" + "00".repeat(1024), end);
    }

    @Test
    void theClientsSideRoundTripsSplitAnywhereAndByteByByte() {
        PutReady ready = new PutReady(4096, 65536);
        PutDone done = new PutDone(1L << 33, DigestAlgorithm.SHA256, new byte[32]);
        FileError error = new FileError(ErrorCode.ALREADY_EXISTS, "a.txt: exists on the server");
        List<Object> got = Bytes.decodeEveryWay(encode(ready, done, error),
                () -> new EmbeddedChannel(FileFrameDecoder.forUploadClient()), PutCodecTest::comparable);
        assertThat(got).containsExactly(ready, done, error);
    }

    @Test
    void severalFramesInOneBufferAllCome() {
        decoderOf(server).acceptUpload(8);
        byte[] wire = encode(new FileChunk(Unpooled.wrappedBuffer(new byte[] {1})),
                new FileChunk(Unpooled.wrappedBuffer(new byte[] {2, 2})),
                new FileEnd(3, DigestAlgorithm.NONE, new byte[0]));
        assertThat(server.writeInbound(Unpooled.wrappedBuffer(wire))).isTrue();
        List<Object> got = new ArrayList<>();
        for (Object o; (o = server.readInbound()) != null; ) {
            got.add(comparable(o));
            io.netty.util.ReferenceCountUtil.release(o);
        }
        assertThat(got).containsExactly("chunk:01", "chunk:0202", new FileEnd(3, DigestAlgorithm.NONE, new byte[0]));
    }

    @Test
    void theServerTakesNoDataBeforePutReady() {
        ByteBuf data = Unpooled.wrappedBuffer(encode(new FileChunk(Unpooled.wrappedBuffer(new byte[] {1}))));
        assertThatThrownBy(() -> server.writeInbound(data))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: FILE_DATA (0x12) (expected: one of FILE_REQUEST (0x10), LIST_REQUEST (0x14), PUT_REQUEST (0x18))");
    }

    @Test
    void duringAnUploadTheServerTakesOnlyDataAndEnd() {
        decoderOf(server).acceptUpload(1024);
        ByteBuf request = Unpooled.wrappedBuffer(encode(new PutRequest("b", 1, 1, DigestAlgorithm.CRC32C, 0)));
        assertThatThrownBy(() -> server.writeInbound(request))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: PUT_REQUEST (0x18) (expected: one of FILE_DATA (0x12), FILE_END (0x13))");
    }

    @Test
    void afterTheUploadTheServerTakesRequestsAgain() {
        decoderOf(server).acceptUpload(1024).endUpload();
        PutRequest request = new PutRequest("b", 1, 1, DigestAlgorithm.CRC32C, 0);
        assertThat(server.writeInbound(Unpooled.wrappedBuffer(encode(request)))).isTrue();
        assertThat((Object) server.readInbound()).isEqualTo(request);
    }

    @Test
    void dataOverTheAgreedBlockSizeIsRefusedFromItsHeader() {
        decoderOf(server).acceptUpload(1024);
        // the header alone announces 1025 bytes: refused before any body byte arrives
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x12).writeInt(1025);
        assertThatThrownBy(() -> server.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("FILE_DATA (0x12) length: 1025 (expected: <= 1024)");
        assertThat(header.refCnt()).isZero();
    }

    @Test
    void anOversizedPutRequestIsRefusedFromItsHeader() {
        ByteBuf header = Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x18).writeInt(16 + 4097);
        assertThatThrownBy(() -> server.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("PUT_REQUEST (0x18) length: 4113 (expected: <= 4112)");
    }

    @Test
    void unknownFlagsAreMalformed() {
        byte[] body = Unpooled.buffer().writeByte(0x08).writeLong(1).writeInt(1024).writeByte(1).writeShort(1)
                .writeByte('a').array();
        assertThatThrownBy(() -> server.writeInbound(Bytes.frame(1, 0x18, java.util.Arrays.copyOf(body, 17))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("flags: 0x8 (expected: OVERWRITE 0x1, CONTINUE 0x2 and MKDIRS 0x4 only)");
    }

    @Test
    void aNegativeSizeIsMalformed() {
        byte[] body = Unpooled.buffer().writeByte(0).writeLong(-1).writeInt(1024).writeByte(1).writeShort(1)
                .writeByte('a').array();
        assertThatThrownBy(() -> server.writeInbound(Bytes.frame(1, 0x18, java.util.Arrays.copyOf(body, 17))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("size: -1 (expected: >= 0)");
    }

    @Test
    void anUnknownDigestIsMalformedButNoneIsTheServersToRefuse() {
        PutRequest none = new PutRequest("a", 1, 1024, DigestAlgorithm.NONE, 0);
        assertThat(server.writeInbound(Unpooled.wrappedBuffer(encode(none)))).isTrue();
        assertThat((Object) server.readInbound()).isEqualTo(none);
        byte[] body = Unpooled.buffer().writeByte(0).writeLong(1).writeInt(1024).writeByte(7).writeShort(1)
                .writeByte('a').array();
        EmbeddedChannel other = new EmbeddedChannel(FileFrameDecoder.forServer());
        assertThatThrownBy(() -> other.writeInbound(Bytes.frame(1, 0x18, java.util.Arrays.copyOf(body, 17))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("digest: 7 (expected: 0 none, 1 crc32c or 2 sha256)");
        assertThat(other.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPutRequestWithBytesLeftOverIsMalformed() {
        byte[] body = Unpooled.buffer().writeByte(0).writeLong(1).writeInt(1024).writeByte(1).writeShort(1)
                .writeByte('a').writeByte(0).array();
        assertThatThrownBy(() -> server.writeInbound(Bytes.frame(1, 0x18, java.util.Arrays.copyOf(body, 18))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("1 unexpected bytes");
    }

    @Test
    void putReadyIsExactlyTwelveBytesAndItsFieldsAreChecked() {
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x19, new byte[13])))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("PUT_READY (0x19) length: 13 (expected: <= 12)");
        EmbeddedChannel other = new EmbeddedChannel(FileFrameDecoder.forUploadClient());
        byte[] zeroBlock = Unpooled.buffer().writeLong(0).writeInt(0).array();
        assertThatThrownBy(() -> other.writeInbound(Bytes.frame(1, 0x19, java.util.Arrays.copyOf(zeroBlock, 12))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("blockSize: 0 (expected: 1..16777216)");
        assertThat(other.finishAndReleaseAll()).isFalse();
    }

    @Test
    void putDoneWithADigestOfTheWrongLengthIsMalformed() {
        byte[] body = Unpooled.buffer().writeLong(5).writeByte(2).writeByte(4).writeBytes(new byte[4]).array();
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x1A, java.util.Arrays.copyOf(body, 14))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("digestLen: 4 (expected: 32 for SHA256)");
    }

    @Test
    void theUploadingClientTakesNoFetchAnswersNorRequests() {
        assertThatThrownBy(() -> client.writeInbound(Bytes.frame(1, 0x11, new byte[22])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("type: FILE_HEADER (0x11) (expected: one of PUT_READY (0x19), PUT_DONE (0x1a), ERROR (0x7f))");
    }

    @Test
    void theFetchingClientTakesNoUploadAnswers() {
        EmbeddedChannel fetching = new EmbeddedChannel(FileFrameDecoder.forClient(1024));
        assertThatThrownBy(() -> fetching.writeInbound(Bytes.frame(1, 0x19, new byte[12])))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("type: PUT_READY (0x19) (expected: one of FILE_HEADER");
        assertThat(fetching.finishAndReleaseAll()).isFalse();
    }

    @Test
    void messagesCheckTheirFields() {
        assertThatThrownBy(() -> new PutRequest("a", -1, 1, DigestAlgorithm.CRC32C, 0))
                .hasMessage("size: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new PutRequest("a", 1, 1, DigestAlgorithm.CRC32C, 8))
                .hasMessage("flags: 0x8 (expected: OVERWRITE 0x1, CONTINUE 0x2 and MKDIRS 0x4 only)");
        assertThat(new PutRequest("a/b", 1, 1, DigestAlgorithm.CRC32C, PutRequest.MKDIRS).mkdirs()).isTrue();
        assertThatThrownBy(() -> new PutReady(-1, 1)).hasMessage("offset: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new PutDone(1, DigestAlgorithm.CRC32C, new byte[3]))
                .hasMessage("digest length: 3 (expected: 4 for CRC32C)");
        assertThatThrownBy(() -> FileFrameDecoder.forServer().acceptUpload(0))
                .hasMessage("blockSize: 0 (expected: 1..16777216)");
    }

    @Test
    void anInputWithoutHeaderSendsTheDataFromTheOffsetThenTheWholeFilesEnd(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("f");
        byte[] content = new byte[3000];
        new java.util.Random(1).nextBytes(content);
        Files.write(file, content);
        DigestAlgorithm.Digest prefix = DigestAlgorithm.CRC32C.newDigest();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            prefix.update(ch, 0, 1000, java.nio.ByteBuffer.allocate(512));
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        FileFrameChunkedInput input = FileFrameChunkedInput.builder(ch, 3000).header(false).offset(1000)
                .digestedToOffset(prefix).blockSize(1024).sendMode(SendMode.CHUNKS).build();
        EmbeddedChannel sender = new EmbeddedChannel(FileFrameEncoder.INSTANCE,
                new io.netty.handler.stream.ChunkedWriteHandler());
        sender.writeOutbound(input);
        byte[] wire = Bytes.outbound(sender);
        assertThat(sender.finish()).isFalse();
        DigestAlgorithm.Digest whole = DigestAlgorithm.CRC32C.newDigest();
        whole.update(Unpooled.wrappedBuffer(content));
        List<Object> got = Bytes.decodeEveryWay(wire,
                () -> new EmbeddedChannel(FileFrameDecoder.forServer().acceptUpload(1024)), PutCodecTest::comparable);
        assertThat(got).hasSize(3);     // 1024 + 976 bytes, then the end
        assertThat(got.get(2)).isEqualTo(new FileEnd(2000, DigestAlgorithm.CRC32C, whole.finish()));
        assertThat(got.get(0).toString()).startsWith("chunk:");
        assertThat(((String) got.get(0)).length()).isEqualTo("chunk:".length() + 2048);
        assertThat(((String) got.get(1)).length()).isEqualTo("chunk:".length() + 2 * 976);
        assertThat(new RandomAccessFile(file.toFile(), "r").length()).isEqualTo(3000);
    }
}
