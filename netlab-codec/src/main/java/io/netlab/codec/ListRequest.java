package io.netlab.codec;

import java.util.Objects;

/**
 * Asks for a listing of a directory (or, with {@link #RECURSIVE}, of the whole tree below it). The decoder checks
 * only the syntax; the server checks the path and the flags (unknown bits are {@link ErrorCode#BAD_REQUEST}).
 *
 * @param flags the flag bits, a uint8 on the wire: {@link #RECURSIVE}; the others must be 0
 * @param path  the directory relative to the server's root, '/'-separated, at most 4096 bytes of UTF-8; empty for
 *              the root itself
 */
public record ListRequest(int flags, String path) implements FileFrame {
    /** Flag bit 0: list the whole tree below the path. */
    public static final int RECURSIVE = 0x01;

    /**
     * Checks the fields.
     *
     * @param flags the flag bits, 0..255
     * @param path  the directory relative to the server's root
     * @throws IllegalArgumentException when {@code flags} does not fit a uint8
     */
    public ListRequest {
        Objects.requireNonNull(path, "path");
        NetlabFrames.checkRange("flags", flags, 0, 0xFF);
    }

    /**
     * A request with only the recursive flag set or not.
     *
     * @param path      the directory relative to the server's root ("" for the root)
     * @param recursive whether the whole tree below it is wanted
     * @return the request
     */
    public static ListRequest of(String path, boolean recursive) {
        return new ListRequest(recursive ? RECURSIVE : 0, path);
    }

    /** {@return whether the whole tree below the path is asked for} */
    public boolean recursive() {
        return (flags & RECURSIVE) != 0;
    }
}
