package io.netlab.codec.namevalue;

import io.netlab.codec.ErrorCode;

import java.util.Objects;

/**
 * An error reply, e.g. {@link ErrorCode#OUT_OF_RANGE} for a number outside 1..100.
 *
 * @param code    what went wrong
 * @param message a human-readable explanation (cut to 1024 bytes of UTF-8 on the wire)
 */
public record NamedIntError(ErrorCode code, String message) implements NamedIntFrame {
    /** Checks the fields. */
    public NamedIntError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
