package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SendMode#SENDFILE}: each block is an 8-byte FILE_DATA header buffer followed by a file region that the
 * transport sends with {@code sendfile(2)}. With a digest, the file is read a second time, through one scratch
 * buffer of at most the read-ahead (whatever the block size), just ahead of the regions handed on.
 */
final class SendfileFileInput extends FileFrameChunkedInput {
    /** The region whose header was just handed on; it goes out next. */
    private SharedFileRegion pending;
    /** The scratch buffer the digest is read through. */
    private ByteBuf scratch;
    /** The file is digested up to here. */
    private long digested;
    /** Regions handed on and not yet released by the transport, plus one for the input itself until closed. */
    private final AtomicInteger users = new AtomicInteger(1);

    SendfileFileInput(Builder b) {
        super(b);
        this.digested = startOffset;
    }

    @Override
    public SendMode sendMode() {
        return SendMode.SENDFILE;
    }

    @Override
    boolean dataDone() {
        return position == size && pending == null;
    }

    @Override
    Object readData(ByteBufAllocator allocator) throws IOException {
        if (pending != null) {
            SharedFileRegion region = pending;
            pending = null;
            return region;
        }
        int n = (int) Math.min(blockSize, size - position);
        if (digestAlgorithm != DigestAlgorithm.NONE) {
            digestUpTo(allocator, position + n);
        }
        ByteBuf header = allocator.ioBuffer(NetlabFrames.HEADER_LENGTH);
        NetlabFrames.writeHeader(header, NetlabFrames.TYPE_FILE_DATA, n);
        pending = new SharedFileRegion(this, position, n);
        position += n;
        return header;
    }

    private void digestUpTo(ByteBufAllocator allocator, long end) throws IOException {
        if (scratch == null) {
            scratch = allocator.directBuffer((int) Math.min(readAheadSize, size - startOffset));
        }
        while (digested < end) {
            scratch.clear();
            int want = (int) Math.min(scratch.capacity(), size - digested);
            while (scratch.readableBytes() < want) {
                int r = scratch.writeBytes(file, digested + scratch.readableBytes(), want - scratch.readableBytes());
                if (r < 0) {
                    throw shrank(digested + scratch.readableBytes());
                }
            }
            digest.update(scratch);
            digested += want;
        }
    }

    @Override
    long held() {
        return pending == null ? 0 : pending.count();
    }

    @Override
    void releaseHeld() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (scratch != null) {
            scratch.release();
            scratch = null;
        }
    }

    /**
     * Closed, the input leaves the file open for the regions still queued (a transfer that ends in an ERROR after a
     * failed {@code beforeEnd} check still sends them first); the last one released closes it.
     */
    @Override
    void closeFile() throws IOException {
        release();
    }

    private void release() throws IOException {
        if (users.decrementAndGet() == 0) {
            file.close();
        }
    }

    /**
     * A DefaultFileRegion (so that the epoll transport uses native sendfile) that shares the input's channel: one
     * channel serves every block of a transfer, and is closed when the input and every region are done with it.
     */
    private static final class SharedFileRegion extends DefaultFileRegion {
        private final SendfileFileInput input;

        SharedFileRegion(SendfileFileInput input, long position, long count) {
            super(input.file, position, count);
            this.input = input;
            input.users.incrementAndGet();
        }

        @Override
        protected void deallocate() {
            try {
                input.release();
            } catch (IOException e) {
                // closing a read-only file: nothing was lost
            }
        }
    }
}
