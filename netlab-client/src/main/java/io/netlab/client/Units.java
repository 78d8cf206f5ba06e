package io.netlab.client;

import java.util.Locale;

/** Sizes, durations and rates as the client's messages show them: {@code 10.0 MiB}, {@code 0.409 s}, {@code 24.5 MiB/s}. */
public final class Units {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /**
     * Formats a byte count in binary units.
     *
     * @param n a byte count
     * @return e.g. {@code "10.0 MiB"} or {@code "1023 B"}
     */
    public static String bytes(long n) {
        int u = n < 1024 ? 0 : (63 - Long.numberOfLeadingZeros(n)) / 10;
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", n / Math.pow(1024, u), UNITS[u]);
    }

    /**
     * Formats a transfer rate in MiB/s.
     *
     * @param bytes the bytes transferred
     * @param nanos in this many nanoseconds
     * @return e.g. {@code "24.5 MiB/s"}
     */
    public static String rate(long bytes, long nanos) {
        return String.format(Locale.ROOT, "%.1f MiB/s", bytes / (Math.max(nanos, 1) / 1e9) / (1024 * 1024));
    }

    /**
     * Formats a duration in seconds with millisecond precision.
     *
     * @param nanos the duration in nanoseconds
     * @return e.g. {@code "0.409 s"}
     */
    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
