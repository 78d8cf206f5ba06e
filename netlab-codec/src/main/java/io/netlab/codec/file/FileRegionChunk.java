package io.netlab.codec.file;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;

import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Outbound only: one FILE_DATA frame whose payload is a region of a file, sent by the transport with
 * {@code sendfile(2)} (zero-copy; not possible under TLS). The encoder writes the 8-byte header and then the
 * region. The decoder never produces it.
 */
public final class FileRegionChunk extends AbstractReferenceCounted implements FileFrame {
    private final FileRegion region;

    /**
     * A chunk for {@code count} bytes of {@code file} at {@code position}. The region shares the channel and does
     * not close it: the channel's owner (normally {@link FileFrameChunkedInput}) does.
     *
     * @throws IllegalArgumentException when {@code count} is not 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     */
    public FileRegionChunk(FileChannel file, long position, int count) {
        Objects.requireNonNull(file, "file");
        if (count < 1 || count > FileConstants.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1.." + FileConstants.MAX_BLOCK_SIZE + ')');
        }
        this.region = new SharedFileRegion(file, position, count);
    }

    /** The payload length. */
    public int length() {
        return (int) region.count();
    }

    /** The region, for the encoder; it holds one reference, released with this chunk. */
    FileRegion region() {
        return region;
    }

    @Override
    protected void deallocate() {
        region.release();
    }

    @Override
    public FileRegionChunk touch(Object hint) {
        region.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "FileRegionChunk(" + region.position() + '+' + region.count() + ')';
    }

    /**
     * A DefaultFileRegion (so that the epoll transport uses native sendfile) that leaves its channel open when
     * released: one channel serves every block of a transfer.
     */
    private static final class SharedFileRegion extends DefaultFileRegion {
        SharedFileRegion(FileChannel file, long position, long count) {
            super(file, position, count);
        }

        @Override
        protected void deallocate() {
            // the channel belongs to the chunked input, which closes it at the end of the transfer
        }
    }
}
