package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;

/**
 * {@link SendMode#CHUNKS}: each block is a {@link FileChunk}, a retained slice of one read-ahead buffer — the
 * messages a receiver sees, for pipelines that inspect or transform chunks before the encoder. A chunk is a whole
 * block, so this mode holds at least one block, however large.
 */
final class ChunkFileInput extends FileFrameChunkedInput {
    /** The current read-ahead buffer; the chunks handed on are slices of it. */
    private ByteBuf buffer;

    ChunkFileInput(Builder b) {
        super(b);
    }

    @Override
    public SendMode sendMode() {
        return SendMode.CHUNKS;
    }

    @Override
    boolean dataDone() {
        return position == size && buffer == null;
    }

    @Override
    FileChunk readData(ByteBufAllocator allocator) throws IOException {
        if (buffer == null) {
            fill(allocator);
        }
        FileChunk chunk = new FileChunk(buffer.readRetainedSlice(Math.min(blockSize, buffer.readableBytes())));
        if (!buffer.isReadable()) {
            buffer.release();
            buffer = null;
        }
        return chunk;
    }

    private void fill(ByteBufAllocator allocator) throws IOException {
        int want = (int) Math.min(Math.max(readAheadSize, blockSize), size - position);    // whole blocks
        ByteBuf buf = allocator.ioBuffer(want);
        boolean release = true;
        try {
            while (buf.readableBytes() < want) {
                int n = buf.writeBytes(file, position, want - buf.readableBytes());
                if (n < 0) {
                    throw shrank(position);
                }
                position += n;
            }
            digest.update(buf);
            buffer = buf;
            release = false;
        } finally {
            if (release) {
                buf.release();
            }
        }
    }

    @Override
    long held() {
        return buffer == null ? 0 : buffer.readableBytes();
    }

    @Override
    void releaseHeld() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
