package io.netlab.client;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Sizes, durations and rates as the client's messages show them: {@code 10.0 MiB}, {@code 0.409 s}, {@code 24.5 MiB/s}.
 * The digits are those of {@code String.format(Locale.ROOT, "%.1f", ...)}, without {@link java.util.Formatter}:
 * its first use loads the locale data (about 5 ms of a one-shot fetch, which prints one summary line).
 */
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
        return u == 0 ? n + " B" : fixed(n / Math.pow(1024, u), 1) + ' ' + UNITS[u];
    }

    /**
     * Formats a transfer rate in MiB/s.
     *
     * @param bytes the bytes transferred
     * @param nanos in this many nanoseconds
     * @return e.g. {@code "24.5 MiB/s"}
     */
    public static String rate(long bytes, long nanos) {
        return fixed(bytes / (Math.max(nanos, 1) / 1e9) / (1024 * 1024), 1) + " MiB/s";
    }

    /**
     * Formats a duration in seconds with millisecond precision.
     *
     * @param nanos the duration in nanoseconds
     * @return e.g. {@code "0.409 s"}
     */
    public static String seconds(long nanos) {
        return fixed(nanos / 1e9, 3) + " s";
    }

    /** {@code value} with {@code decimals} digits after the point, rounded half up as {@code %.Nf} rounds. */
    static String fixed(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }
}
