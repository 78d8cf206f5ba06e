package io.netlab.codec;


import java.util.Objects;

/**
 * The server's negative answer, sent instead of a header or in the middle of a transfer; the server closes
 * the connection after it.
 *
 * @param code    what went wrong
 * @param message a human-readable explanation (cut to 1024 bytes of UTF-8 on the wire)
 */
public record FileError(ErrorCode code, String message) implements FileFrame {
    /**
     * Checks the fields.
     *
     * @param code    what went wrong
     * @param message a human-readable explanation
     */
    public FileError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
