package io.netlab.codec;

/**
 * The server's yes to a {@link PutRequest}: where the client starts sending, and the block size it may use.
 * After it, the client sends FILE_DATA frames ({@link FileChunk}) with the bytes {@code offset .. size}, then a
 * {@link FileEnd} with the digest of the whole file.
 *
 * @param offset    0, or with {@link PutRequest#CONTINUE} the bytes the server already holds of a cut upload
 * @param blockSize the largest FILE_DATA payload the server accepts, at most the request's
 */
public record PutReady(long offset, int blockSize) implements FileFrame {
    /**
     * Checks the fields.
     *
     * @param offset    0 or more
     * @param blockSize 1 or more
     * @throws IllegalArgumentException when a field is out of range
     */
    public PutReady {
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: >= 1)");
        }
    }
}
