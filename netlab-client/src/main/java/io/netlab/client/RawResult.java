package io.netlab.client;

import java.nio.file.Path;
import java.util.List;

/**
 * A fetch in the raw lab dialect, which carries no size and no digest: what arrived before the server closed.
 *
 * @param destination where the file now is ({@code null} when written to a stream)
 * @param bytes       the bytes received
 * @param nanos       how long the transfer took, connection included
 * @param warnings    what the dialect could not rule out, one line each: an empty answer (a refusal looks the same),
 *                    a connection reset (the file may be cut off)
 */
public record RawResult(Path destination, long bytes, long nanos, List<String> warnings) {
    /**
     * Keeps a copy of the list.
     *
     * @param destination where the file now is ({@code null} when written to a stream)
     * @param bytes       the bytes received
     * @param nanos       how long the transfer took, connection included
     * @param warnings    what the dialect could not rule out, one line each
     */
    public RawResult {
        warnings = List.copyOf(warnings);
    }
}
