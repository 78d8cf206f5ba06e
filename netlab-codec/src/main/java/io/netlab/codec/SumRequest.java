package io.netlab.codec;

import java.util.Objects;

/**
 * The request: the client's name and its number. Range checks (the lab's 1..100) belong to the server,
 * so any {@code int} can be sent; that is how the lab shuts its server down.
 *
 * @param name  the client's name, at most {@link SumConstants#MAX_NAME_LENGTH} bytes of UTF-8
 * @param value the client's number
 */
public record SumRequest(String name, int value) implements SumFrame {
    /**
     * Checks the name.
     *
     * @param name  the client's name, at most {@link SumConstants#MAX_NAME_LENGTH} bytes of UTF-8
     * @param value the client's number
     */
    public SumRequest {
        Objects.requireNonNull(name, "name");
    }
}
