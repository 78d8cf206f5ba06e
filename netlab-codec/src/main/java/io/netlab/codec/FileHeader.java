package io.netlab.codec;


import java.util.Objects;

/**
 * The server's positive answer, sent before any data.
 *
 * @param status    {@link Status#OK} for the whole file; {@link Status#PARTIAL} for a resumed transfer (offset above 0)
 * @param size      the file's size in bytes (64-bit: files over 4 GiB are fine)
 * @param offset    the position of the first byte that follows
 * @param blockSize the largest payload the server will put in a {@link FileChunk}
 * @param digest    the digest the END frame will carry
 */
public record FileHeader(Status status, long size, long offset, int blockSize, DigestAlgorithm digest)
        implements FileFrame {

    /**
     * Checks the fields.
     *
     * @param status    {@link Status#OK} for the whole file, {@link Status#PARTIAL} from an offset
     * @param size      the file's size in bytes
     * @param offset    the position of the first byte that follows, 0 to {@code size}
     * @param blockSize the largest payload the server will send, at least 1
     * @param digest    the digest the END frame will carry
     */
    public FileHeader {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if (offset < 0 || offset > size) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: 0.." + size + ')');
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: >= 1)");
        }
    }

    /** {@return the bytes that will follow: {@code size - offset}} */
    public long remaining() {
        return size - offset;
    }

    /** What the header announces. */
    public enum Status {
        /** The whole file follows. */
        OK(0),
        /** The file from {@code offset} on follows (a resume); FILE_END's digest still covers the whole file. */
        PARTIAL(1);

        private final int id;

        Status(int id) {
            this.id = id;
        }

        /** {@return the wire value} */
        public int id() {
            return id;
        }

        static Status fromId(int id) {
            for (Status s : values()) {
                if (s.id == id) {
                    return s;
                }
            }
            return null;
        }
    }
}
