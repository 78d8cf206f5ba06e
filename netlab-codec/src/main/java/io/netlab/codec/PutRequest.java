package io.netlab.codec;

import java.util.Objects;

/**
 * Asks a file server to take a file (an upload). The decoder checks only the syntax (known flags, a size of 0 or
 * more); the server decides whether the path, size, block size and digest are acceptable and answers with a
 * {@link PutReady} or a {@link FileError}. A digest of {@link DigestAlgorithm#NONE} is well-formed, but servers
 * refuse it: they never install unchecked bytes.
 *
 * @param path      the file to create, relative to the server's root, '/'-separated, at most 4096 bytes of UTF-8
 * @param size      the file's size in bytes, 0 or more
 * @param blockSize the largest FILE_DATA payload the client will send; a uint32 on the wire, so values of 2^31 and
 *                  more appear negative here
 * @param digest    the digest the client's FILE_END will carry, of the whole file
 * @param flags     {@link #OVERWRITE}, {@link #CONTINUE} and {@link #MKDIRS}, or'ed; other bits are malformed
 */
public record PutRequest(String path, long size, int blockSize, DigestAlgorithm digest, int flags) implements FileFrame {
    /** Flag bit 0: replace an existing file, if the server allows it. */
    public static final int OVERWRITE = 1;
    /** Flag bit 1: continue a cut upload of this path, size and digest from what the server holds. */
    public static final int CONTINUE = 2;
    /** Flag bit 2: create the missing directories of the path, inside the root (a recursive upload, put -r). */
    public static final int MKDIRS = 4;
    /** Every flag this version knows. */
    static final int KNOWN_FLAGS = OVERWRITE | CONTINUE | MKDIRS;
    /** What an unknown flag's error says is expected. */
    static final String EXPECTED_FLAGS = "OVERWRITE 0x1, CONTINUE 0x2 and MKDIRS 0x4 only";

    /**
     * Checks the fields.
     *
     * @param path      the file to create, relative to the server's root
     * @param size      the file's size, 0 or more
     * @param blockSize the largest payload the client will send
     * @param digest    the digest of the client's FILE_END
     * @param flags     {@link #OVERWRITE}, {@link #CONTINUE} and {@link #MKDIRS}, or'ed
     * @throws IllegalArgumentException when the size is negative or a flag is unknown
     */
    public PutRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new IllegalArgumentException("flags: 0x" + Integer.toHexString(flags)
                    + " (expected: " + EXPECTED_FLAGS + ')');
        }
    }

    /** {@return whether the client asks to replace an existing file} */
    public boolean overwrite() {
        return (flags & OVERWRITE) != 0;
    }

    /** {@return whether the client asks to continue a cut upload} */
    public boolean resume() {
        return (flags & CONTINUE) != 0;
    }

    /** {@return whether the client asks the server to create the path's missing directories} */
    public boolean mkdirs() {
        return (flags & MKDIRS) != 0;
    }
}
