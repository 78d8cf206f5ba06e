package io.netlab.codec;


import java.util.Objects;

/**
 * An error reply, e.g. {@link ErrorCode#OUT_OF_RANGE} for a number outside 1..100.
 *
 * @param code    what went wrong
 * @param message a human-readable explanation (cut to 1024 bytes of UTF-8 on the wire)
 */
public record SumError(ErrorCode code, String message) implements SumFrame {
    /**
     * Checks the fields.
     *
     * @param code    what went wrong
     * @param message a human-readable explanation
     */
    public SumError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
