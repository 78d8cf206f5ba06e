package io.netlab.server.cli;

import picocli.CommandLine;

import java.util.Locale;

/** Reads a size option: bytes, or a number with K, M, G or T (powers of 1024; {@code KiB}, {@code MB}... too). */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final String UNITS = "KMGTP";

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) {
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        int shift = 0;
        if (!v.isEmpty() && UNITS.indexOf(v.charAt(v.length() - 1)) >= 0) {
            shift = 10 * (UNITS.indexOf(v.charAt(v.length() - 1)) + 1);
            v = v.substring(0, v.length() - 1).strip();
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' (expected: a size, e.g. 1048576, 512K, 1G)");
        }
        if (n < 0 || n > Long.MAX_VALUE >> shift) {
            throw new CommandLine.TypeConversionException("'" + value + "' (expected: 0 .. 8E)");
        }
        return n << shift;
    }

    /** A size as the start-up line shows it: {@code 1 GiB}, {@code 64 MiB}, {@code 1000 bytes}. */
    static String show(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        for (int i = units.length - 1; i >= 0; i--) {
            long unit = 1L << (10 * (i + 1));
            if (n >= unit && n % unit == 0) {
                return n / unit + " " + units[i];
            }
        }
        return n + " bytes";
    }
}
