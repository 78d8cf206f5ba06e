package io.netlab.codec;

/** Limits and defaults of the file-transfer protocol. */
public final class FileConstants {
    /** The lab's block size, and the default. */
    public static final int DEFAULT_BLOCK_SIZE = 1024;
    /** The largest block size any netlab peer accepts (16 MiB). */
    public static final int MAX_BLOCK_SIZE = 16 * 1024 * 1024;
    /** The longest path in a request, in bytes of UTF-8. */
    public static final int MAX_PATH_LENGTH = 4096;
    /** The longest digest value in an END frame. */
    public static final int MAX_DIGEST_LENGTH = 64;

    /**
     * Checks a block size against the protocol's range.
     *
     * @param field the name to show, e.g. {@code "--block-size"}
     * @param value the block size to check
     * @return {@code value} as an int
     * @throws IllegalArgumentException {@code "field: value (expected: 1..16777216)"} when out of range
     */
    public static int checkBlockSize(String field, long value) {
        return NetlabFrames.checkRange(field, value, 1, MAX_BLOCK_SIZE);
    }

    static final int REQUEST_FIXED_LENGTH = 4 + 8 + 1 + 2;
    static final int HEADER_BODY_LENGTH = 1 + 8 + 8 + 4 + 1;
    static final int END_FIXED_LENGTH = 8 + 1 + 1;
    static final int PUT_REQUEST_FIXED_LENGTH = 1 + 8 + 4 + 1 + 2;
    static final int PUT_READY_BODY_LENGTH = 8 + 4;

    private FileConstants() {
    }
}
