package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileFrameChunkedInputTest {
    @TempDir
    Path dir;

    private Path file(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path p = dir.resolve("f" + size);
        Files.write(p, data);
        return p;
    }

    /**
     * Sends a file through ChunkedWriteHandler and the encoder, decodes the wire with a client decoder, and checks
     * every frame: one header, chunks no larger than the block size that add up to the file, an end frame whose
     * total and digest match the file.
     */
    @ParameterizedTest(name = "{0} bytes, {1}-byte blocks, {2}, {3}")
    @CsvSource({"0,1024,CRC32C,BUFFERED", "1,1024,CRC32C,BUFFERED", "1023,1024,CRC32C,BUFFERED",
                "1024,1024,SHA256,BUFFERED", "1025,1024,NONE,BUFFERED", "200000,1024,CRC32C,BUFFERED",
                "200000,65536,SHA256,BUFFERED", "300000,1000,CRC32C,BUFFERED", "70000,1048576,CRC32C,BUFFERED",
                "600000,1048576,CRC32C,BUFFERED", "2500000,1048576,SHA256,BUFFERED", "600000,1048576,SHA256,SENDFILE",
                "600000,1048576,CRC32C,CHUNKS",
                "0,1024,CRC32C,SENDFILE", "1,1024,CRC32C,SENDFILE", "1025,1024,SHA256,SENDFILE",
                "200000,1024,CRC32C,SENDFILE", "300000,65536,NONE,SENDFILE", "20000,7,CRC32C,SENDFILE",
                "0,1024,CRC32C,CHUNKS", "1025,1024,CRC32C,CHUNKS", "200000,1024,SHA256,CHUNKS", "300000,1000,NONE,CHUNKS"})
    void sendsHeaderChunksAndEndThatMatchTheFile(int size, int blockSize, DigestAlgorithm digest,
                                                 SendMode mode) throws Exception {
        Path p = file(size);
        byte[] expected = Files.readAllBytes(p);
        EmbeddedChannel server = new EmbeddedChannel(new RegionsToBytes(), FileFrameEncoder.INSTANCE, new ChunkedWriteHandler());
        EmbeddedChannel client = new EmbeddedChannel(FileFrameDecoder.forClient(blockSize));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        server.writeAndFlush(FileFrameChunkedInput.builder(ch, ch.size()).blockSize(blockSize).digest(digest)
                .sendMode(mode).build()).sync();
        for (Object o; (o = server.readOutbound()) != null; ) {
            client.writeInbound(o);
        }
        assertThat(ch.isOpen()).isFalse();

        FileHeader header = client.readInbound();
        assertThat(header).isEqualTo(new FileHeader(FileHeader.Status.OK, size, 0, blockSize, digest));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Object o;
        while ((o = client.readInbound()) instanceof FileChunk c) {
            assertThat(c.content().readableBytes()).isBetween(1, blockSize);
            byte[] b = new byte[c.content().readableBytes()];
            c.content().readBytes(b);
            got.write(b);
            c.release();
        }
        assertThat(got.toByteArray()).isEqualTo(expected);
        FileEnd end = (FileEnd) o;
        assertThat(end.totalBytes()).isEqualTo(size);
        assertThat(end.digest()).isEqualTo(digest);
        assertThat(end.digestValue()).isEqualTo(reference(digest, expected));
        assertThat(client.<Object>readInbound()).isNull();
        assertThat(server.finishAndReleaseAll()).isFalse();
        assertThat(client.finishAndReleaseAll()).isFalse();
    }

    /**
     * A resumed transfer (docs/protocol.md, FILE_END): from an offset, a PARTIAL header, the bytes from the offset on,
     * and a FILE_END whose total counts the bytes sent but whose digest covers the whole file.
     */
    @ParameterizedTest(name = "{0} bytes from {1}, {2}-byte blocks, {3}, {4}")
    @CsvSource({"300000,1,1024,CRC32C,BUFFERED", "300000,150000,65536,SHA256,BUFFERED", "300000,299999,1024,CRC32C,SENDFILE",
                "300000,123457,7,SHA256,SENDFILE", "300000,4096,1024,CRC32C,CHUNKS", "300000,300000,1024,CRC32C,BUFFERED",
                "300000,300000,1024,SHA256,SENDFILE", "300000,77777,1024,NONE,BUFFERED", "1,1,1024,CRC32C,CHUNKS"})
    void fromAnOffsetSendsTheRestAndEndsWithTheDigestOfTheWholeFile(int size, long offset, int blockSize,
                                                                   DigestAlgorithm digest, SendMode mode) throws Exception {
        Path p = file(size);
        byte[] whole = Files.readAllBytes(p);
        EmbeddedChannel server = new EmbeddedChannel(new RegionsToBytes(), FileFrameEncoder.INSTANCE, new ChunkedWriteHandler());
        EmbeddedChannel client = new EmbeddedChannel(FileFrameDecoder.forClient(blockSize));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        FileFrameChunkedInput.Builder b = FileFrameChunkedInput.builder(ch, ch.size()).offset(offset).blockSize(blockSize)
                .digest(digest).sendMode(mode);
        if (digest != DigestAlgorithm.NONE) {
            DigestAlgorithm.Digest before = digest.newDigest();
            before.update(ch, 0, offset, java.nio.ByteBuffer.allocate(4096));
            b.digestedToOffset(before);
        }
        server.writeAndFlush(b.build()).sync();
        for (Object o; (o = server.readOutbound()) != null; ) {
            client.writeInbound(o);
        }
        assertThat(ch.isOpen()).isFalse();

        FileHeader header = client.readInbound();
        assertThat(header).isEqualTo(new FileHeader(FileHeader.Status.PARTIAL, size, offset, blockSize, digest));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Object o;
        while ((o = client.readInbound()) instanceof FileChunk c) {
            byte[] bytes = new byte[c.content().readableBytes()];
            c.content().readBytes(bytes);
            got.write(bytes);
            c.release();
        }
        assertThat(got.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(whole, (int) offset, size));
        FileEnd end = (FileEnd) o;
        assertThat(end.totalBytes()).isEqualTo(size - offset);
        assertThat(end.digestValue()).as("the digest of the whole file, not of the bytes sent")
                .isEqualTo(reference(digest, whole));
        assertThat(server.finishAndReleaseAll()).isFalse();
        assertThat(client.finishAndReleaseAll()).isFalse();
    }

    @Test
    void underTlsNothingIsSentWithSendfile() {
        assertThat(SendMode.AUTO.underTls()).isEqualTo(SendMode.BUFFERED);
        assertThat(SendMode.SENDFILE.underTls()).isEqualTo(SendMode.BUFFERED);
        assertThat(SendMode.BUFFERED.underTls()).isEqualTo(SendMode.BUFFERED);
        assertThat(SendMode.CHUNKS.underTls()).isEqualTo(SendMode.CHUNKS);
    }

    @Test
    void anOffsetNeedsTheDigestOfTheBytesBeforeIt() throws Exception {
        try (FileChannel ch = FileChannel.open(file(100))) {
            assertThatThrownBy(() -> FileFrameChunkedInput.builder(ch, 100).offset(10).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("offset: 10 without digestedToOffset (expected: the CRC32C of the bytes before the "
                            + "offset, so that FILE_END covers the whole file)");
            assertThatThrownBy(() -> FileFrameChunkedInput.builder(ch, 100).offset(10)
                    .digestedToOffset(DigestAlgorithm.SHA256.newDigest()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("digestedToOffset: SHA256 (expected: CRC32C, the input's digest)");
            assertThatThrownBy(() -> FileFrameChunkedInput.builder(ch, 100)
                    .digestedToOffset(DigestAlgorithm.CRC32C.newDigest()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("digestedToOffset: given with offset 0 (expected: an offset > 0)");
        }
    }

    /** Does what a socket transport does with a file region, while the file is still open: sends its bytes. */
    private static final class RegionsToBytes extends io.netty.channel.ChannelOutboundHandlerAdapter {
        @Override
        public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise)
                throws Exception {
            ctx.write(msg instanceof FileRegion region ? transfer(region) : msg, promise);
        }
    }

    /** Copies a file region's bytes into a buffer and releases the region. */
    private static ByteBuf transfer(FileRegion region) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (WritableByteChannel out = Channels.newChannel(sink)) {
            while (region.transferred() < region.count()) {
                region.transferTo(out, region.transferred());
            }
        } finally {
            region.release();
        }
        return Unpooled.wrappedBuffer(sink.toByteArray());
    }

    private static byte[] reference(DigestAlgorithm digest, byte[] data) throws Exception {
        switch (digest) {
            case NONE:
                return new byte[0];
            case SHA256:
                return MessageDigest.getInstance("SHA-256").digest(data);
            default:
                CRC32C crc = new CRC32C();
                crc.update(data);
                long v = crc.getValue();
                return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
    }

    @Test
    void chunksOfOneReadAheadShareOneBufferAndAreReleasedWithIt() throws Exception {
        Path p = file(4096);
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        try (FileChannel ch = FileChannel.open(p)) {
            FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 4096).blockSize(1024)
                    .digest(DigestAlgorithm.CRC32C).readAhead(4096).sendMode(SendMode.CHUNKS).build();
            assertThat(in.readChunk(alloc)).isInstanceOf(FileHeader.class);
            FileChunk first = (FileChunk) in.readChunk(alloc);
            FileChunk second = (FileChunk) in.readChunk(alloc);
            // one read, no copy: the second block sits right behind the first in the same memory
            assertThat(first.content().hasMemoryAddress()).isTrue();
            assertThat(second.content().memoryAddress()).isEqualTo(first.content().memoryAddress() + 1024);
            assertThat(in.progress()).isEqualTo(2048);
            assertThat(in.length()).isEqualTo(4096);
            first.release();
            second.release();
            // the input still holds the read-ahead buffer: the third block is intact
            FileChunk third = (FileChunk) in.readChunk(alloc);
            byte[] expected = java.util.Arrays.copyOfRange(Files.readAllBytes(p), 2048, 3072);
            assertThat(io.netty.buffer.ByteBufUtil.getBytes(third.content())).isEqualTo(expected);
            third.release();
            // closing half-way releases it (the class's leak check proves it)
            in.close();
            assertThat(in.isEndOfInput()).isTrue();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = SendMode.class, names = {"BUFFERED", "SENDFILE", "CHUNKS"})
    void aFileThatShrankFailsWithAClearErrorAndLeaksNothing(SendMode mode) throws Exception {
        Path p = file(1000);
        FileChannel ch = FileChannel.open(p);
        FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 5000).blockSize(1024)
                .digest(DigestAlgorithm.CRC32C).readAhead(8192).sendMode(mode).build();
        in.readChunk(PooledByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> in.readChunk(PooledByteBufAllocator.DEFAULT))
                .isInstanceOf(EOFException.class)
                .hasMessage("file ended at byte 1000 of 5000 (expected: 5000 bytes; it shrank while being sent)");
        in.close();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void bufferedRunsAreCompleteFramesReadInOneGo() throws Exception {
        Path p = file(2500);
        try (FileChannel ch = FileChannel.open(p)) {
            FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 2500).blockSize(1024)
                    .digest(DigestAlgorithm.NONE).readAhead(65536).sendMode(SendMode.BUFFERED).build();
            in.readChunk(PooledByteBufAllocator.DEFAULT);
            ByteBuf run = (ByteBuf) in.readChunk(PooledByteBufAllocator.DEFAULT);
            assertThat(run.readableBytes()).isEqualTo(2500 + 3 * 8);
            assertThat(io.netty.buffer.ByteBufUtil.hexDump(run, 0, 8)).isEqualTo("4e4c011200000400");
            assertThat(io.netty.buffer.ByteBufUtil.hexDump(run, 1032, 8)).isEqualTo("4e4c011200000400");
            assertThat(io.netty.buffer.ByteBufUtil.hexDump(run, 2064, 8)).isEqualTo("4e4c0112000001c4");
            assertThat(in.progress()).isEqualTo(2500);
            run.release();
            assertThat(in.readChunk(PooledByteBufAllocator.DEFAULT)).isInstanceOf(FileEnd.class);
            assertThat(in.isEndOfInput()).isTrue();
            in.close();
        }
    }

    @Test
    void aBlockLargerThanTheReadAheadGoesOutInPiecesOfTheReadAhead() throws Exception {
        Path p = file(25_000);
        try (FileChannel ch = FileChannel.open(p)) {
            FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 25_000).blockSize(10_000)
                    .digest(DigestAlgorithm.NONE).readAhead(4096).sendMode(SendMode.BUFFERED).build();
            in.readChunk(PooledByteBufAllocator.DEFAULT);
            int[] expected = {8 + 4096, 4096, 1808, 8 + 4096, 4096, 1808, 8 + 4096, 904};
            boolean[] boundary = {false, false, true, false, false, true, false, true};
            for (int i = 0; i < expected.length; i++) {
                ByteBuf piece = (ByteBuf) in.readChunk(PooledByteBufAllocator.DEFAULT);
                assertThat(piece.readableBytes()).as("item " + i).isEqualTo(expected[i]);
                assertThat(in.atFrameBoundary()).as("after item " + i).isEqualTo(boundary[i]);
                if (i == 0) {
                    assertThat(io.netty.buffer.ByteBufUtil.hexDump(piece, 0, 8)).isEqualTo("4e4c011200002710");
                }
                if (i == 6) {
                    assertThat(io.netty.buffer.ByteBufUtil.hexDump(piece, 0, 8)).isEqualTo("4e4c011200001388");
                }
                piece.release();
            }
            assertThat(in.progress()).isEqualTo(25_000);
            assertThat(in.readChunk(PooledByteBufAllocator.DEFAULT)).isInstanceOf(FileEnd.class);
            in.close();
        }
    }

    @Test
    void aFileThatShrinksInsideABlockSentInPiecesFailsMidFrame() throws Exception {
        Path p = file(6000);
        FileChannel ch = FileChannel.open(p);
        FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 20_000).blockSize(10_000)
                .digest(DigestAlgorithm.CRC32C).readAhead(4096).sendMode(SendMode.BUFFERED).build();
        in.readChunk(PooledByteBufAllocator.DEFAULT);
        ((ByteBuf) in.readChunk(PooledByteBufAllocator.DEFAULT)).release();
        assertThatThrownBy(() -> in.readChunk(PooledByteBufAllocator.DEFAULT)).isInstanceOf(EOFException.class);
        assertThat(in.atFrameBoundary()).as("an ERROR frame now would land inside a FILE_DATA frame").isFalse();
        in.close();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = SendMode.class, names = {"BUFFERED", "SENDFILE", "CHUNKS"})
    void aFailedCheckBeforeTheEndReplacesTheEndFrame(SendMode mode) throws Exception {
        Path p = file(3000);
        FileChannel ch = FileChannel.open(p);
        int[] checks = {0};
        FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 3000).blockSize(1024)
                .digest(DigestAlgorithm.CRC32C).sendMode(mode).beforeEnd(() -> {
                    checks[0]++;
                    throw new java.io.IOException("f3000: changed while being sent");
                }).build();
        Object item;
        while (!((item = in.readChunk(PooledByteBufAllocator.DEFAULT)) instanceof ByteBuf) && !(item instanceof FileRegion)
                && !(item instanceof FileChunk)) {
            io.netty.util.ReferenceCountUtil.release(item);    // the header
        }
        io.netty.util.ReferenceCountUtil.release(item);
        for (int i = 0; i < 10 && in.progress() < 3000; i++) {
            io.netty.util.ReferenceCountUtil.release(in.readChunk(PooledByteBufAllocator.DEFAULT));
        }
        assertThat(checks[0]).as("checked only once all data is handed on").isZero();
        assertThatThrownBy(() -> in.readChunk(PooledByteBufAllocator.DEFAULT))
                .hasMessage("f3000: changed while being sent");
        assertThat(checks[0]).isEqualTo(1);
        assertThat(in.atFrameBoundary()).isTrue();
        assertThat(in.isEndOfInput()).isFalse();
        in.close();
    }

    @Test
    void rejectsBadArguments() throws Exception {
        try (FileChannel ch = FileChannel.open(file(1))) {
            assertThatThrownBy(() -> FileFrameChunkedInput.builder(ch, 1).blockSize(0))
                    .hasMessage("blockSize: 0 (expected: 1..16777216)");
            assertThatThrownBy(() -> FileFrameChunkedInput.builder(ch, -1))
                    .hasMessage("size: -1 (expected: >= 0)");
            assertThatThrownBy(() -> FileFrameChunkedInput.builder(ch, 1).offset(2))
                    .hasMessage("offset: 2 (expected: 0..1)");
        }
    }
}
