package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@link SendMode#BUFFERED}: each read-ahead becomes one pooled buffer laid out as complete FILE_DATA frames, into
 * whose payload slots the file is read with one scatter read; the encoder forwards the buffer as it is. A block
 * larger than the read-ahead goes out in pieces of the read-ahead, the first one behind the frame's header.
 */
final class BufferedFileInput extends FileFrameChunkedInput {
    BufferedFileInput(Builder b) {
        super(b);
    }

    @Override
    public SendMode sendMode() {
        return SendMode.BUFFERED;
    }

    /** Payload bytes of the current FILE_DATA frame still to hand on, when a block goes out in pieces. */
    private int frameLeft;

    @Override
    boolean midFrame() {
        return frameLeft > 0;
    }

    @Override
    ByteBuf readData(ByteBufAllocator allocator) throws IOException {
        if (blockSize > readAheadSize) {
            return readPiece(allocator);
        }
        long payload = Math.min(readAheadSize, size - position);
        int blocks = (int) ((payload + blockSize - 1) / blockSize);
        int total = (int) payload + blocks * NetlabFrames.HEADER_LENGTH;
        ByteBuf buf = allocator.ioBuffer(total);
        boolean release = true;
        try {
            ByteBuffer[] slots = new ByteBuffer[blocks];
            int w = 0;
            long left = payload;
            for (int i = 0; i < blocks; i++) {
                int n = (int) Math.min(blockSize, left);
                buf.writerIndex(w);
                NetlabFrames.writeHeader(buf, NetlabFrames.TYPE_FILE_DATA, n);
                slots[i] = buf.nioBuffer(w + NetlabFrames.HEADER_LENGTH, n);
                w += NetlabFrames.HEADER_LENGTH + n;
                left -= n;
            }
            buf.writerIndex(total);
            file.position(position);
            long got = 0;
            while (got < payload) {
                long n = file.read(slots);
                if (n < 0) {
                    throw shrank(position + got);
                }
                got += n;
            }
            int r = 0;
            for (int i = 0; i < blocks; i++) {
                int len = (int) Math.min(blockSize, payload - (long) i * blockSize);
                digest.update(buf, r + NetlabFrames.HEADER_LENGTH, len);
                r += NetlabFrames.HEADER_LENGTH + len;
            }
            position += payload;
            release = false;
            return buf;
        } finally {
            if (release) {
                buf.release();
            }
        }
    }

    /**
     * A block larger than the read-ahead: the frame header with the first piece of its payload, then the other
     * pieces, each at most the read-ahead.
     */
    private ByteBuf readPiece(ByteBufAllocator allocator) throws IOException {
        boolean first = frameLeft == 0;
        if (first) {
            frameLeft = (int) Math.min(blockSize, size - position);
        }
        int n = Math.min(readAheadSize, frameLeft);
        ByteBuf buf = allocator.ioBuffer((first ? NetlabFrames.HEADER_LENGTH : 0) + n);
        boolean release = true;
        try {
            if (first) {
                NetlabFrames.writeHeader(buf, NetlabFrames.TYPE_FILE_DATA, frameLeft);
            }
            int start = buf.writerIndex();
            while (buf.writerIndex() - start < n) {
                int got = buf.writerIndex() - start;
                if (buf.writeBytes(file, position + got, n - got) < 0) {
                    throw shrank(position + got);
                }
            }
            digest.update(buf, start, n);
            position += n;
            frameLeft -= n;
            release = false;
            return buf;
        } finally {
            if (release) {
                buf.release();
            }
        }
    }
}
