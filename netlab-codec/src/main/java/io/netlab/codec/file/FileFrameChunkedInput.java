package io.netlab.codec.file;

import io.netlab.codec.DigestAlgorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Produces a whole file transfer as frames for a {@link io.netty.handler.stream.ChunkedWriteHandler}:
 * one {@link FileHeader}, {@link FileChunk}s of at most {@code blockSize} bytes, and a {@link FileEnd} carrying
 * the total and the digest of exactly the bytes that were sent. Because the write handler pulls chunks only
 * while the channel is writable, a slow reader holds at most the channel's high water mark plus one read-ahead
 * buffer in memory, however large the file.
 * <p>The file is read {@code readAheadSize} bytes at a time into one pooled buffer (one system call and one
 * digest update per read-ahead, not per block), and each chunk is a retained slice of it.
 * The input owns the {@link FileChannel} and closes it in {@link #close()}.
 */
public final class FileFrameChunkedInput implements ChunkedInput<FileFrame> {
    /** The default read-ahead: 64 KiB, or one block when blocks are larger. */
    public static final int DEFAULT_READ_AHEAD = 64 * 1024;

    private enum State { HEADER, DATA, END, DONE }

    private final FileChannel file;
    private final long size;
    private final long startOffset;
    private final int blockSize;
    private final int readAheadSize;
    private final DigestAlgorithm digestAlgorithm;
    private final DigestAlgorithm.Digest digest;

    private State state = State.HEADER;
    private long position;
    private ByteBuf buffer;

    /**
     * Sends the whole file.
     *
     * @param file      an open channel, owned by this input from now on
     * @param size      the number of bytes to send, normally {@code file.size()} taken once when opening
     * @param blockSize the largest chunk payload, 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @param digest    the digest to compute over the bytes sent
     */
    public FileFrameChunkedInput(FileChannel file, long size, int blockSize, DigestAlgorithm digest) {
        this(file, size, 0, blockSize, digest, DEFAULT_READ_AHEAD);
    }

    /**
     * Sends the file from {@code offset} on.
     *
     * @param file          an open channel, owned by this input from now on
     * @param size          the file's size as announced in the header
     * @param offset        the first byte to send, 0 to {@code size}; a non-zero offset sends a PARTIAL header
     * @param blockSize     the largest chunk payload, 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @param digest        the digest to compute over the bytes sent
     * @param readAheadSize bytes read from the file at a time; rounded down to a multiple of {@code blockSize},
     *                      and never less than one block
     * @throws IllegalArgumentException when a number is out of range
     */
    public FileFrameChunkedInput(FileChannel file, long size, long offset, int blockSize, DigestAlgorithm digest,
                                 int readAheadSize) {
        this.file = Objects.requireNonNull(file, "file");
        this.digestAlgorithm = Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if (offset < 0 || offset > size) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: 0.." + size + ')');
        }
        if (blockSize < 1 || blockSize > FileConstants.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException(
                    "blockSize: " + blockSize + " (expected: 1.." + FileConstants.MAX_BLOCK_SIZE + ')');
        }
        if (readAheadSize < 1) {
            throw new IllegalArgumentException("readAheadSize: " + readAheadSize + " (expected: >= 1)");
        }
        this.size = size;
        this.startOffset = offset;
        this.position = offset;
        this.blockSize = blockSize;
        this.readAheadSize = Math.max(blockSize, readAheadSize / blockSize * blockSize);
        this.digest = digest.newDigest();
    }

    @Override
    public boolean isEndOfInput() {
        return state == State.DONE;
    }

    @Override
    public void close() throws Exception {
        state = State.DONE;
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        file.close();
    }

    @Deprecated
    @Override
    public FileFrame readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public FileFrame readChunk(ByteBufAllocator allocator) throws Exception {
        switch (state) {
            case HEADER:
                state = position < size ? State.DATA : State.END;
                return new FileHeader(startOffset == 0 ? FileHeader.Status.OK : FileHeader.Status.PARTIAL,
                        size, startOffset, blockSize, digestAlgorithm);
            case DATA:
                if (buffer == null) {
                    fill(allocator);
                }
                FileChunk chunk = new FileChunk(buffer.readRetainedSlice(Math.min(blockSize, buffer.readableBytes())));
                if (!buffer.isReadable()) {
                    buffer.release();
                    buffer = null;
                    if (position == size) {
                        state = State.END;
                    }
                }
                return chunk;
            case END:
                state = State.DONE;
                return new FileEnd(size - startOffset, digestAlgorithm, digest.finish());
            default:
                return null;
        }
    }

    private void fill(ByteBufAllocator allocator) throws IOException {
        int want = (int) Math.min(readAheadSize, size - position);
        ByteBuf buf = allocator.ioBuffer(want);
        boolean release = true;
        try {
            while (buf.readableBytes() < want) {
                int n = buf.writeBytes(file, position, want - buf.readableBytes());
                if (n < 0) {
                    throw new EOFException("file ended at byte " + position + " of " + size
                            + " (expected: " + size + " bytes; it shrank while being sent)");
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
    public long length() {
        return size - startOffset;
    }

    @Override
    public long progress() {
        return position - startOffset - (buffer == null ? 0 : buffer.readableBytes());
    }
}
