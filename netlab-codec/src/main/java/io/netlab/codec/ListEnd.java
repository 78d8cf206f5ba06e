package io.netlab.codec;

/**
 * The last frame of a complete listing: how many entries were sent. The receiver compares it with its own count.
 *
 * @param entries the number of {@link ListEntry} frames sent, {@code >= 0}
 */
public record ListEnd(long entries) implements FileFrame {
    /**
     * Checks the count.
     *
     * @param entries the number of entries sent
     * @throws IllegalArgumentException when negative
     */
    public ListEnd {
        if (entries < 0) {
            throw new IllegalArgumentException("entries: " + entries + " (expected: >= 0)");
        }
    }
}
