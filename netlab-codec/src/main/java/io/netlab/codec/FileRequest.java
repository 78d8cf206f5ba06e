package io.netlab.codec;


import java.util.Objects;

/**
 * Asks for a file. The decoder checks only the syntax; the server decides whether the path, block size and
 * offset are acceptable and answers with a {@link FileError} otherwise.
 *
 * @param path      the path relative to the server's root, '/'-separated, at most 4096 bytes of UTF-8
 * @param blockSize the largest payload per {@link FileChunk} the client wants; a uint32 on the wire, so values
 *                  of 2^31 and more appear negative here (print them with {@link Integer#toUnsignedString(int)})
 * @param offset    the first byte wanted, 0 for the whole file; above 0 a resume (0..size; servers that predate resume
 *                  answer UNSUPPORTED), whose FILE_END digest covers the whole file
 * @param digest    the digest the server should compute over the bytes it sends
 */
public record FileRequest(String path, int blockSize, long offset, DigestAlgorithm digest) implements FileFrame {
    /**
     * Checks the fields for null.
     *
     * @param path      the path relative to the server's root
     * @param blockSize the largest payload per {@link FileChunk} the client wants
     * @param offset    the first byte wanted (0: the whole file)
     * @param digest    the digest the server should compute
     */
    public FileRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(digest, "digest");
    }

    /**
     * A request for the whole file with the default CRC32C digest.
     *
     * @param path      the path relative to the server's root
     * @param blockSize the largest payload per {@link FileChunk} the client wants
     */
    public FileRequest(String path, int blockSize) {
        this(path, blockSize, 0, DigestAlgorithm.CRC32C);
    }
}
