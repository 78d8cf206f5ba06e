package io.netlab.server;

import java.io.PrintStream;
import java.util.Objects;

/**
 * The "adding two numbers" server's identity and rules: its name, its number, the accepted range, and whether
 * an out-of-range number shuts it down (the lab's way) or is only refused.
 *
 * @param name        the server's name, e.g. "Server of John Q. Smith"
 * @param number      the server's number
 * @param min         the smallest number accepted from a client
 * @param max         the largest number accepted from a client
 * @param keepRunning refuse out-of-range numbers instead of shutting down
 * @param out         where the lab's display goes (standard output)
 */
public record SumService(String name, int number, int min, int max, boolean keepRunning, PrintStream out) {
    /** The lab's range. */
    public static final int LAB_MIN = 1;
    /** The lab's range. */
    public static final int LAB_MAX = 100;

    /** Checks the fields. */
    public SumService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(out, "out");
        if (min > max) {
            throw new IllegalArgumentException("min: " + min + " (expected: <= max " + max + ')');
        }
    }

    /** Whether a client's number is accepted. */
    public boolean inRange(int value) {
        return value >= min && value <= max;
    }
}
