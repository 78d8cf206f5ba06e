package io.netlab.codec;

import java.util.Objects;

/**
 * The reply: the server's name, its number and the sum it computed, so that the client can check it.
 *
 * @param name  the server's name
 * @param value the server's number
 * @param sum   the client's number plus the server's, as a 64-bit value (it cannot overflow)
 */
public record SumReply(String name, int value, long sum) implements SumFrame {
    /**
     * Checks the name.
     *
     * @param name  the server's name
     * @param value the server's number
     * @param sum   the client's number plus the server's
     */
    public SumReply {
        Objects.requireNonNull(name, "name");
    }
}
