package io.netlab.codec.file;

import io.netlab.codec.DigestAlgorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.channels.FileChannel;
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
    @ParameterizedTest
    @CsvSource({"0,1024,CRC32C", "1,1024,CRC32C", "1023,1024,CRC32C", "1024,1024,SHA256", "1025,1024,NONE",
                "200000,1024,CRC32C", "200000,65536,SHA256", "300000,1000,CRC32C", "70000,1048576,CRC32C"})
    void sendsHeaderChunksAndEndThatMatchTheFile(int size, int blockSize, DigestAlgorithm digest) throws Exception {
        Path p = file(size);
        byte[] expected = Files.readAllBytes(p);
        EmbeddedChannel server = new EmbeddedChannel(FileFrameEncoder.INSTANCE, new ChunkedWriteHandler());
        EmbeddedChannel client = new EmbeddedChannel(FileFrameDecoder.forClient(blockSize));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        server.writeAndFlush(new FileFrameChunkedInput(ch, ch.size(), blockSize, digest)).sync();
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
        assertThat((Object) client.readInbound()).isNull();
        assertThat(server.finishAndReleaseAll()).isFalse();
        assertThat(client.finishAndReleaseAll()).isFalse();
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
            FileFrameChunkedInput in = new FileFrameChunkedInput(ch, 4096, 0, 1024, DigestAlgorithm.CRC32C, 4096);
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

    @Test
    void aFileThatShrankFailsWithAClearErrorAndLeaksNothing() throws Exception {
        Path p = file(1000);
        FileChannel ch = FileChannel.open(p);
        FileFrameChunkedInput in = new FileFrameChunkedInput(ch, 5000, 1024, DigestAlgorithm.CRC32C);
        in.readChunk(PooledByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> in.readChunk(PooledByteBufAllocator.DEFAULT))
                .isInstanceOf(EOFException.class)
                .hasMessage("file ended at byte 1000 of 5000 (expected: 5000 bytes; it shrank while being sent)");
        in.close();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void rejectsBadArguments() throws Exception {
        try (FileChannel ch = FileChannel.open(file(1))) {
            assertThatThrownBy(() -> new FileFrameChunkedInput(ch, 1, 0, DigestAlgorithm.NONE))
                    .hasMessage("blockSize: 0 (expected: 1..16777216)");
            assertThatThrownBy(() -> new FileFrameChunkedInput(ch, -1, 1024, DigestAlgorithm.NONE))
                    .hasMessage("size: -1 (expected: >= 0)");
        }
    }
}
