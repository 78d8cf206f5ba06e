package io.netlab.codec;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Produces a whole file transfer for a {@link io.netty.handler.stream.ChunkedWriteHandler}, placed after a
 * {@link FileFrameEncoder}: one {@link FileHeader}, the file's data as FILE_DATA frames of at most the block size,
 * and a {@link FileEnd} carrying the total and the digest of exactly the bytes that were sent (from an offset: of
 * the whole file, see {@link Builder#digestedToOffset}). Because the write
 * handler pulls only while the channel is writable, a slow reader holds at most the channel's high water mark plus
 * one read-ahead in memory, however large the file and whatever the block size: a block larger than the read-ahead
 * is read, and sent, in pieces of the read-ahead ({@link SendMode#CHUNKS} excepted, whose chunks are whole blocks).
 * <p>How the data goes out is a {@link SendMode}, chosen when the input is {@linkplain #builder built}; each mode is
 * its own strategy class. Data items are already-encoded {@code ByteBuf}s (buffered runs, and the 8-byte header
 * before each sendfile region), {@link io.netty.channel.FileRegion}s, or {@link FileChunk}s; the encoder passes the
 * first two through untouched. The input owns the {@link FileChannel} and closes it in {@link #close()}.
 * <pre>{@code
 * ctx.writeAndFlush(FileFrameChunkedInput.builder(channel, channel.size())
 *         .blockSize(request.blockSize()).digest(request.digest())
 *         .beforeEnd(() -> checkUnchanged(path))      // optional: refuse to end a transfer of a changed file
 *         .build());
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

    /**
     * A last check before the FILE_END frame, e.g. that the file did not change while it was being sent; see
     * {@link Builder#beforeEnd(EndCheck)}.
     */
    @FunctionalInterface
    public interface EndCheck {
        /**
         * @throws IOException when the transfer must not end with FILE_END; the input then fails with it,
         *                             between two frames, so that an ERROR frame can still be sent
         */
        void check() throws IOException;
    }

    final FileChannel file;
    final long size;
    final long startOffset;
    final int blockSize;
    final int readAheadSize;
    final DigestAlgorithm digestAlgorithm;
    final DigestAlgorithm.Digest digest;
    private final EndCheck beforeEnd;
    /** Next byte of the file to read or to hand on; the strategies advance it. */
    long position;
    private State state = State.HEADER;   // set once more by the constructor without a header

    FileFrameChunkedInput(Builder b) {
        this.file = b.file;
        this.size = b.size;
        this.startOffset = b.offset;
        this.position = b.offset;
        this.blockSize = b.blockSize;
        this.readAheadSize = b.blockSize <= b.readAhead ? b.readAhead / b.blockSize * b.blockSize : b.readAhead;
        this.digestAlgorithm = b.digest;
        this.digest = b.digestedToOffset != null ? b.digestedToOffset : b.digest.newDigest();
        this.beforeEnd = b.beforeEnd;
        if (!b.header) {
            state = b.offset == b.size ? State.END : State.DATA;      // (no virtual call from the constructor)
        }
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

    /**
     * Whether the items handed on so far end with a whole frame, so that a frame written after them is read as one:
     * when this input has failed (the file shrank or could not be read, or the {@linkplain Builder#beforeEnd check
     * before the end} failed) and this is {@code true}, an ERROR frame may still be sent on the connection.
     *
     * @return whether a frame may follow what was handed on
     */
    public boolean atFrameBoundary() {
        return !midFrame();
    }

    /** Whether the last item handed on ended inside a FILE_DATA frame (a block sent in pieces). */
    boolean midFrame() {
        return false;
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
        closeFile();
    }

    /** Closes the file; a strategy whose items still read it once handed on closes it when they are done. */
    void closeFile() throws IOException {
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
                if (beforeEnd != null) {
                    beforeEnd.check();
                }
                state = State.DONE;
                // with an offset, the digest began with the bytes before it: FILE_END covers the whole file
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
        private EndCheck beforeEnd;
        private DigestAlgorithm.Digest digestedToOffset;
        private boolean header = true;

        private Builder(FileChannel file, long size) {
            this.file = Objects.requireNonNull(file, "file");
            if (size < 0) {
                throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
            }
            this.size = size;
        }

        /**
         * The first byte to send; a non-zero offset sends a PARTIAL header, and (with a digest) needs
         * {@link #digestedToOffset} too: FILE_END carries the digest of the whole file.
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
         * Bytes read from the file at a time (default {@value FileFrameChunkedInput#DEFAULT_READ_AHEAD}), rounded
         * down to a multiple of the block size when blocks are smaller. A block larger than this is read, and in
         * {@link SendMode#BUFFERED} mode sent, in pieces of this size, so that the input never holds more
         * ({@link SendMode#CHUNKS} excepted: a chunk is one whole block). Keep it below the channel's high water mark.
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

        /**
         * A check run once every data item has been handed on, just before the FILE_END frame (default: none). When
         * it throws, {@link #readChunk} throws the exception instead of returning the FILE_END, and
         * {@link #atFrameBoundary()} is {@code true}: the sender can answer with an ERROR frame. With
         * {@link SendMode#SENDFILE} the last regions are still queued at that moment (at most the channel's high
         * water mark or one block), since the transport reads them only when it sends them.
         *
         * @param check the check; it throws an {@link java.io.IOException} saying what changed
         * @return this builder
         */
        public Builder beforeEnd(EndCheck check) {
            this.beforeEnd = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * The running digest of the file's bytes before the {@linkplain #offset offset}, which the input continues
         * with the bytes it sends, so that FILE_END carries the digest of the whole file: what docs/protocol.md asks
         * of a resumed (PARTIAL) transfer. Compute it with {@link DigestAlgorithm.Digest#update(FileChannel, long,
         * long, java.nio.ByteBuffer)}; the input owns it from now on. Required for an offset above 0 unless the
         * digest is {@link DigestAlgorithm#NONE}; not allowed with offset 0.
         *
         * @param digest the running digest of bytes 0 to the offset, of the input's algorithm
         * @return this builder
         */
        public Builder digestedToOffset(DigestAlgorithm.Digest digest) {
            this.digestedToOffset = Objects.requireNonNull(digest, "digest");
            return this;
        }

        /**
         * Whether the input begins with a {@link FileHeader} (the default: a fetch's answer). An upload's data follows
         * the server's {@link PutReady} instead, so an uploading client builds its input without one: the data
         * frames from the offset on, then the {@link FileEnd}.
         *
         * @param header {@code false} to begin with the data
         * @return this builder
         */
        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        /**
         * The input, which owns the file channel from now on.
         *
         * @return the input
         * @throws IllegalArgumentException when the {@linkplain #digestedToOffset digest of the bytes before the
         *                                  offset} is of another algorithm, or given with offset 0
         * @throws IllegalStateException    when the offset is above 0, the digest is not {@link DigestAlgorithm#NONE}
         *                                  and no digest of the bytes before the offset was given
         */
        public FileFrameChunkedInput build() {
            if (digestedToOffset != null) {
                if (digestedToOffset.algorithm() != digest) {
                    throw new IllegalArgumentException("digestedToOffset: " + digestedToOffset.algorithm()
                            + " (expected: " + digest + ", the input's digest)");
                }
                if (offset == 0) {
                    throw new IllegalArgumentException("digestedToOffset: given with offset 0 (expected: an offset > 0)");
                }
            } else if (offset > 0 && digest != DigestAlgorithm.NONE) {
                throw new IllegalStateException("offset: " + offset + " without digestedToOffset (expected: the "
                        + digest + " of the bytes before the offset, so that FILE_END covers the whole file)");
            }
            return switch (sendMode.resolve(blockSize, digest)) {
                case SENDFILE -> new SendfileFileInput(this);
                case CHUNKS -> new ChunkFileInput(this);
                default -> new BufferedFileInput(this);
            };
        }
    }
}
