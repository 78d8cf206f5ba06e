package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.file.FileFrameChunkedInput;

/** How the file server puts file data on the wire. */
public enum SendMode {
    /**
     * {@code sendfile(2)} when the server need not see the bytes — no digest asked for — and blocks are of
     * {@value #SENDFILE_THRESHOLD} bytes or more; buffered runs otherwise. With a digest, buffered runs get the
     * digest from the bytes they read anyway, where sendfile must read the file a second time: measured 13% slower
     * at 64 KiB blocks (docs/performance.md).
     */
    AUTO,
    /** Runs of frames read straight into pooled buffers: one read and one write per 64 KiB whatever the block size. */
    BUFFERED,
    /** One {@code sendfile(2)} per block: zero-copy, best for large blocks. */
    SENDFILE;

    /** Smallest block for which AUTO chooses sendfile. */
    public static final int SENDFILE_THRESHOLD = 64 * 1024;

    FileFrameChunkedInput.Mode modeFor(int blockSize, DigestAlgorithm digest) {
        switch (this) {
            case BUFFERED:
                return FileFrameChunkedInput.Mode.BUFFERED;
            case SENDFILE:
                return FileFrameChunkedInput.Mode.FILE_REGION;
            default:
                return blockSize >= SENDFILE_THRESHOLD && digest == DigestAlgorithm.NONE
                        ? FileFrameChunkedInput.Mode.FILE_REGION : FileFrameChunkedInput.Mode.BUFFERED;
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
