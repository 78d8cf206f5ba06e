package io.netlab.codec;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

import java.io.EOFException;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Produces a whole file transfer for a {@link io.netty.handler.stream.ChunkedWriteHandler}, placed after a
 * {@link FileFrameEncoder}: one {@link FileHeader}, the file's data as FILE_DATA frames of at most the block size,
 * and a {@link FileEnd} carrying the total and the digest of exactly the bytes that were sent. Because the write
 * handler pulls only while the channel is writable, a slow reader holds at most the channel's high water mark plus
 * one read-ahead in memory, however large the file.
 * <p>How the data goes out is a {@link SendMode}, chosen when the input is {@linkplain #builder built}; each mode is
 * its own strategy class. Data items are already-encoded {@code ByteBuf}s (buffered runs, and the 8-byte header
 * before each sendfile region), {@link io.netty.channel.FileRegion}s, or {@link FileChunk}s; the encoder passes the
 * first two through untouched. The input owns the {@link FileChannel} and closes it in {@link #close()}.
 * <pre>{@code
 * ctx.writeAndFlush(FileFrameChunkedInput.builder(channel, channel.size())
 *         .blockSize(request.blockSize()).digest(request.digest()).build());
 * }</pre>
 */
public abstract sealed class FileFrameChunkedInput implements ChunkedInput<Object>
        permits BufferedFileInput, SendfileFileInput, ChunkFileInput {
    /**
     * The default read-ahead: 256 KiB (or one block when blocks are larger). Measured on 1 GiB at 1 KiB blocks,
     * 256 KiB beat 64 KiB (fewer reads and write operations) and 1 MiB (worse cache locality); see docs/performance.md.
     */
    public static final int DEFAULT_READ_AHEAD = 256 * 1024;

    private enum State { HEADER, DATA, END, DONE }

    final FileChannel file;
    final long size;
    final long startOffset;
    final int blockSize;
    final int readAheadSize;
    final DigestAlgorithm digestAlgorithm;
    final DigestAlgorithm.Digest digest;
    /** Next byte of the file to read or to hand on; the strategies advance it. */
    long position;
    private State state = State.HEADER;

    FileFrameChunkedInput(Builder b) {
        this.file = b.file;
        this.size = b.size;
        this.startOffset = b.offset;
        this.position = b.offset;
        this.blockSize = b.blockSize;
        this.readAheadSize = Math.max(b.blockSize, b.readAhead / b.blockSize * b.blockSize);
        this.digestAlgorithm = b.digest;
        this.digest = b.digest.newDigest();
    }

    /**
     * Starts building an input for {@code size} bytes of {@code file}.
     *
     * @param file an open channel, owned by the input once it is built
     * @param size the number of bytes to send, normally {@code file.size()} taken once when opening
     * @return a builder with the defaults
     * @throws IllegalArgumentException when {@code size} is negative
     */
    public static Builder builder(FileChannel file, long size) {
        return new Builder(file, size);
    }

    /** {@return the mode this input sends in ({@link SendMode#AUTO} resolved)} */
    public abstract SendMode sendMode();

    /** The next data item, or {@code null} when there is nothing to hand on now; advances {@link #position}. */
    abstract Object readData(ByteBufAllocator allocator) throws Exception;

    /** Whether every data item has been handed on. */
    boolean dataDone() {
        return position == size;
    }

    /** Bytes read from the file but not yet handed on (counted out of {@link #progress()}). */
    long held() {
        return 0;
    }

    /** Releases what the strategy holds; called once by {@link #close()}. */
    void releaseHeld() {
    }

    final EOFException shrank(long at) {
        return new EOFException("file ended at byte " + at + " of " + size
                + " (expected: " + size + " bytes; it shrank while being sent)");
    }

    @Override
    public final boolean isEndOfInput() {
        return state == State.DONE;
    }

    @Override
    public final void close() throws Exception {
        state = State.DONE;
        releaseHeld();
        file.close();
    }

    @Deprecated
    @Override
    public final Object readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public final Object readChunk(ByteBufAllocator allocator) throws Exception {
        switch (state) {
            case HEADER -> {
                state = dataDone() ? State.END : State.DATA;
                return new FileHeader(startOffset == 0 ? FileHeader.Status.OK : FileHeader.Status.PARTIAL,
                        size, startOffset, blockSize, digestAlgorithm);
            }
            case DATA -> {
                Object data = readData(allocator);
                if (dataDone()) {
                    state = State.END;
                }
                return data;
            }
            case END -> {
                state = State.DONE;
                return new FileEnd(size - startOffset, digestAlgorithm, digest.finish());
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public final long length() {
        return size - startOffset;
    }

    @Override
    public final long progress() {
        return position - startOffset - held();
    }

    /** Builds a {@link FileFrameChunkedInput}; every setting but the file and its size has a default. */
    public static final class Builder {
        private final FileChannel file;
        private final long size;
        private long offset;
        private int blockSize = FileConstants.DEFAULT_BLOCK_SIZE;
        private DigestAlgorithm digest = DigestAlgorithm.CRC32C;
        private int readAhead = DEFAULT_READ_AHEAD;
        private SendMode sendMode = SendMode.AUTO;

        private Builder(FileChannel file, long size) {
            this.file = Objects.requireNonNull(file, "file");
            if (size < 0) {
                throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
            }
            this.size = size;
        }

        /**
         * The first byte to send; a non-zero offset sends a PARTIAL header.
         *
         * @param offset 0 (the default) to the size
         * @return this builder
         */
        public Builder offset(long offset) {
            if (offset < 0 || offset > size) {
                throw new IllegalArgumentException("offset: " + offset + " (expected: 0.." + size + ')');
            }
            this.offset = offset;
            return this;
        }

        /**
         * The largest frame payload.
         *
         * @param blockSize 1 to {@value FileConstants#MAX_BLOCK_SIZE} (default: the lab's 1024)
         * @return this builder
         */
        public Builder blockSize(int blockSize) {
            this.blockSize = FileConstants.checkBlockSize("blockSize", blockSize);
            return this;
        }

        /**
         * The digest computed over the bytes sent.
         *
         * @param digest the algorithm (default: CRC32C)
         * @return this builder
         */
        public Builder digest(DigestAlgorithm digest) {
            this.digest = Objects.requireNonNull(digest, "digest");
            return this;
        }

        /**
         * Bytes read from the file at a time (default {@value FileFrameChunkedInput#DEFAULT_READ_AHEAD}); rounded
         * down to a multiple of the block size, and never less than one block.
         *
         * @param bytes at least 1
         * @return this builder
         */
        public Builder readAhead(int bytes) {
            this.readAhead = NetlabFrames.checkRange("readAhead", bytes, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * How the data goes out.
         *
         * @param sendMode the mode (default {@link SendMode#AUTO})
         * @return this builder
         */
        public Builder sendMode(SendMode sendMode) {
            this.sendMode = Objects.requireNonNull(sendMode, "sendMode");
            return this;
        }

        /** {@return the input, which owns the file channel from now on} */
        public FileFrameChunkedInput build() {
            return switch (sendMode.resolve(blockSize, digest)) {
                case SENDFILE -> new SendfileFileInput(this);
                case CHUNKS -> new ChunkFileInput(this);
                default -> new BufferedFileInput(this);
            };
        }
    }
}
