package io.netlab.codec;

import java.util.Locale;

/**
 * How a {@link FileFrameChunkedInput} puts a file's data on the wire. The server's {@code --send-mode} option is
 * this enum; {@link #AUTO} is resolved per transfer from the block size and the digest.
 */
public enum SendMode {
    /**
     * {@link #SENDFILE} when the sender need not see the bytes — no digest asked for — and blocks are of
     * {@value #SENDFILE_THRESHOLD} bytes or more; {@link #BUFFERED} otherwise. With a digest, buffered runs get the
     * digest from the bytes they read anyway, where sendfile must read the file a second time: measured 13% slower
     * at 64 KiB blocks (docs/performance.md).
     */
    AUTO,
    /**
     * Runs of complete FILE_DATA frames read straight into pooled buffers, one scatter read per read-ahead: no
     * copy and no object per block, whatever the block size. The fast path for small blocks, and the one that
     * works under TLS.
     */
    BUFFERED,
    /**
     * One {@code sendfile(2)} per block: the data never enters user space (a digest, when asked for, is computed
     * by reading the file separately). Best for large blocks; impossible under TLS.
     */
    SENDFILE,
    /**
     * One {@link FileChunk} message per block, slices of a shared read-ahead buffer: what a receiver sees, for
     * pipelines that inspect or transform chunks before the encoder.
     */
    CHUNKS;

    /** Smallest block for which {@link #AUTO} chooses {@link #SENDFILE}. */
    public static final int SENDFILE_THRESHOLD = 64 * 1024;

    /**
     * Resolves {@link #AUTO} for one transfer.
     *
     * @param blockSize the transfer's block size
     * @param digest    the transfer's digest
     * @return this mode, or for {@link #AUTO} the mode it stands for with this block size and digest
     */
    public SendMode resolve(int blockSize, DigestAlgorithm digest) {
        if (this != AUTO) {
            return this;
        }
        return blockSize >= SENDFILE_THRESHOLD && digest == DigestAlgorithm.NONE ? SENDFILE : BUFFERED;
    }

    /**
     * This mode on a connection whose bytes must pass through TLS, where the kernel cannot send the file's pages as
     * they are: {@link #SENDFILE} and {@link #AUTO} become {@link #BUFFERED}; the other modes stay.
     *
     * @return the mode to use under TLS
     */
    public SendMode underTls() {
        return this == SENDFILE || this == AUTO ? BUFFERED : this;
    }

    /** The name users type: {@code auto}, {@code buffered}, {@code sendfile}, {@code chunks}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
