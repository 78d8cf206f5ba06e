package io.netlab.codec.namevalue;

import java.util.Objects;

/**
 * The reply: the server's name, its number and the sum it computed, so that the client can check it.
 *
 * @param name  the server's name
 * @param value the server's number
 * @param sum   the client's number plus the server's, as a 64-bit value (it cannot overflow)
 */
public record NamedIntReply(String name, int value, long sum) implements NamedIntFrame {
    /** Checks the name. */
    public NamedIntReply {
        Objects.requireNonNull(name, "name");
    }
}
