package io.netlab.codec;

/**
 * Error codes carried by ERROR frames of both netlab protocols (modelled on TFTP's table).
 * The numeric {@link #code()} is what travels on the wire; see docs/protocol.md.
 */
public enum ErrorCode {
    /** A code this peer does not know, or a failure with no better code. */
    UNDEFINED(0),
    /** The requested file does not exist. */
    NOT_FOUND(1),
    /** The request names something outside the served root, or the server may not read it. */
    ACCESS_DENIED(2),
    /** The peer broke the protocol: bad magic, unknown frame type, malformed or oversized frame, wrong order. */
    ILLEGAL_OPERATION(3),
    /** The requested path exists but is not a regular file (a directory, a FIFO, a device). */
    NOT_A_FILE(4),
    /**
     * A sum request carried a number outside the accepted range, or a file request an offset beyond the end of the
     * file (a resume of a file that shrank).
     */
    OUT_OF_RANGE(5),
    /** The server has no room for another connection. */
    BUSY(6),
    /** A well-formed request with an invalid field (block size, path syntax). */
    BAD_REQUEST(7),
    /** Something this server does not implement (a protocol version, a digest; resume, on servers that predate it). */
    UNSUPPORTED(8),
    /** The server failed to read the file it was sending. */
    IO_ERROR(9),
    /** The peer took too long. */
    TIMEOUT(10),
    /** The server is shutting down. */
    SHUTTING_DOWN(11),
    /** An upload's target exists, and overwriting was not asked for or is not allowed. */
    ALREADY_EXISTS(12),
    /** An upload over the server's size limit or free-space floor, or a listing over its entry limit. */
    TOO_LARGE(13),
    /** An upload whose byte count or whole-file digest did not match what the client announced. */
    INTEGRITY(14);

    private static final ErrorCode[] BY_CODE;

    static {
        ErrorCode[] values = values();
        BY_CODE = new ErrorCode[values[values.length - 1].code + 1];
        for (ErrorCode c : values) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** {@return the unsigned 16-bit value written on the wire} */
    public int code() {
        return code;
    }

    /**
     * Maps a wire value back to a code.
     *
     * @param code the unsigned 16-bit value read from the wire
     * @return the matching code, or {@link #UNDEFINED} for a value this version does not know
     *         (newer peers may define more codes; they are shown as "error")
     */
    public static ErrorCode valueOf(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNDEFINED;
    }
}
