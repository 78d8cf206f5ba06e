package io.netlab.codec.file;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.NetlabFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Produces a whole file transfer as frames for a {@link io.netty.handler.stream.ChunkedWriteHandler}:
 * one {@link FileHeader}, the file's data in FILE_DATA frames of at most {@code blockSize} bytes, and a
 * {@link FileEnd} carrying the total and the digest of exactly the bytes that were sent. Because the write handler
 * pulls frames only while the channel is writable, a slow reader holds at most the channel's high water mark plus
 * one read-ahead in memory, however large the file.
 * <p>How the data goes out depends on the {@link Mode}:
 * <ul>
 * <li>{@link Mode#BUFFERED} (the default): each read-ahead becomes one {@link FileDataRun} — a pooled buffer laid
 *     out as complete frames, into whose payload slots the file is read with one scatter read. No copy, no
 *     per-block objects, one system call per read-ahead: the fast path for the lab's small blocks, and the one
 *     that works under TLS.</li>
 * <li>{@link Mode#FILE_REGION}: each block is a {@link FileRegionChunk}, sent with {@code sendfile(2)}, so the data
 *     never enters user space (the digest, when there is one, is computed by reading the file separately).
 *     Pays off for large blocks without TLS.</li>
 * <li>{@link Mode#CHUNKS}: each block is a {@link FileChunk}, a retained slice of the read-ahead buffer — what a
 *     receiver sees, for pipelines that want to inspect or transform chunks.</li>
 * </ul>
 * The input owns the {@link FileChannel} and closes it in {@link #close()}.
 */
public final class FileFrameChunkedInput implements ChunkedInput<FileFrame> {
    /**
     * The default read-ahead: 256 KiB (or one block when blocks are larger). Measured on 1 GiB at 1 KiB blocks,
     * 256 KiB beat 64 KiB (fewer reads and write operations) and 1 MiB (worse cache locality); see docs/performance.md.
     */
    public static final int DEFAULT_READ_AHEAD = 256 * 1024;

    /** How the file's data is turned into frames. */
    public enum Mode {
        /** Runs of complete frames read straight into pooled buffers ({@link FileDataRun}). */
        BUFFERED,
        /** One {@code sendfile(2)} region per block ({@link FileRegionChunk}); not usable under TLS. */
        FILE_REGION,
        /** One {@link FileChunk} per block, slices of a shared read-ahead buffer. */
        CHUNKS
    }

    private enum State { HEADER, DATA, END, DONE }

    private final FileChannel file;
    private final long size;
    private final long startOffset;
    private final int blockSize;
    private final int readAheadSize;
    private final Mode mode;
    private final DigestAlgorithm digestAlgorithm;
    private final DigestAlgorithm.Digest digest;

    private State state = State.HEADER;
    /** Next byte of the file to read (BUFFERED, CHUNKS) or to send (FILE_REGION). */
    private long position;
    /** CHUNKS: the current read-ahead buffer. FILE_REGION: the scratch buffer the digest is read through. */
    private ByteBuf buffer;
    /** FILE_REGION: the file is digested up to here. */
    private long digested;

    /**
     * Sends the whole file in {@link Mode#BUFFERED} mode.
     *
     * @param file      an open channel, owned by this input from now on
     * @param size      the number of bytes to send, normally {@code file.size()} taken once when opening
     * @param blockSize the largest frame payload, 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @param digest    the digest to compute over the bytes sent
     */
    public FileFrameChunkedInput(FileChannel file, long size, int blockSize, DigestAlgorithm digest) {
        this(file, size, 0, blockSize, digest, DEFAULT_READ_AHEAD, Mode.BUFFERED);
    }

    /**
     * Sends the file from {@code offset} on.
     *
     * @param file          an open channel, owned by this input from now on
     * @param size          the file's size as announced in the header
     * @param offset        the first byte to send, 0 to {@code size}; a non-zero offset sends a PARTIAL header
     * @param blockSize     the largest frame payload, 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @param digest        the digest to compute over the bytes sent
     * @param readAheadSize bytes read from the file at a time; rounded down to a multiple of {@code blockSize},
     *                      and never less than one block
     * @param mode          how the data is framed
     * @throws IllegalArgumentException when a number is out of range
     */
    public FileFrameChunkedInput(FileChannel file, long size, long offset, int blockSize, DigestAlgorithm digest,
                                 int readAheadSize, Mode mode) {
        this.file = Objects.requireNonNull(file, "file");
        this.digestAlgorithm = Objects.requireNonNull(digest, "digest");
        this.mode = Objects.requireNonNull(mode, "mode");
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
        this.digested = offset;
        this.blockSize = blockSize;
        this.readAheadSize = Math.max(blockSize, readAheadSize / blockSize * blockSize);
        this.digest = digest.newDigest();
    }

    /** The mode this input sends in. */
    public Mode mode() {
        return mode;
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
                FileFrame frame;
                switch (mode) {
                    case BUFFERED:
                        frame = readRun(allocator);
                        break;
                    case FILE_REGION:
                        frame = nextRegion(allocator);
                        break;
                    default:
                        frame = nextChunk(allocator);
                }
                if (position == size && (mode != Mode.CHUNKS || buffer == null)) {
                    state = State.END;
                }
                return frame;
            case END:
                state = State.DONE;
                return new FileEnd(size - startOffset, digestAlgorithm, digest.finish());
            default:
                return null;
        }
    }

    private FileDataRun readRun(ByteBufAllocator allocator) throws IOException {
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
            return new FileDataRun(buf, payload);
        } finally {
            if (release) {
                buf.release();
            }
        }
    }

    private FileRegionChunk nextRegion(ByteBufAllocator allocator) throws IOException {
        int n = (int) Math.min(blockSize, size - position);
        if (digestAlgorithm != DigestAlgorithm.NONE) {
            if (buffer == null) {
                buffer = allocator.directBuffer((int) Math.min(readAheadSize, size - startOffset));
            }
            while (digested < position + n) {
                buffer.clear();
                int want = (int) Math.min(buffer.capacity(), size - digested);
                while (buffer.readableBytes() < want) {
                    int r = buffer.writeBytes(file, digested + buffer.readableBytes(), want - buffer.readableBytes());
                    if (r < 0) {
                        throw shrank(digested + buffer.readableBytes());
                    }
                }
                digest.update(buffer);
                digested += want;
            }
        }
        FileRegionChunk chunk = new FileRegionChunk(file, position, n);
        position += n;
        return chunk;
    }

    private FileChunk nextChunk(ByteBufAllocator allocator) throws IOException {
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
        int want = (int) Math.min(readAheadSize, size - position);
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

    private EOFException shrank(long at) {
        return new EOFException("file ended at byte " + at + " of " + size
                + " (expected: " + size + " bytes; it shrank while being sent)");
    }

    @Override
    public long length() {
        return size - startOffset;
    }

    @Override
    public long progress() {
        long buffered = mode == Mode.CHUNKS && buffer != null ? buffer.readableBytes() : 0;
        return position - startOffset - buffered;
    }
}
