package io.netlab.server;

import java.util.Locale;

/** Sizes and rates as the server's log lines show them, e.g. {@code 10.0 MiB} and {@code 0.087 s (114.9 MiB/s)}. */
final class LogFormat {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private LogFormat() {
    }

    static String bytes(long n) {
        int u = n < 1024 ? 0 : (63 - Long.numberOfLeadingZeros(n)) / 10;
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", n / Math.pow(1024, u), UNITS[u]);
    }

    static String secondsAndRate(long bytes, long nanos) {
        double seconds = Math.max(nanos, 1) / 1e9;
        return String.format(Locale.ROOT, "%.3f s (%.1f MiB/s)", nanos / 1e9, bytes / seconds / (1024 * 1024));
    }
}
