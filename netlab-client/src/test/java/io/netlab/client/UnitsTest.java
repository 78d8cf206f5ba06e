package io.netlab.client;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary's numbers are exactly what String.format printed before, without its start-up cost. */
class UnitsTest {
    @Test
    void theDigitsAreThoseOfStringFormat() {
        SplittableRandom random = new SplittableRandom(25);
        for (int i = 0; i < 200_000; i++) {
            // the ranges the summary line meets: sizes, seconds, MiB/s; and halves, where rounding shows
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * 2048;
                case 1 -> random.nextLong(1, 1L << 50) / 1e9;
                case 2 -> random.nextInt(100_000) / 20.0;
                default -> random.nextInt(1_000_000) / 2000.0 + 0.0005;
            };
            assertThat(Units.fixed(v, 1)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
            assertThat(Units.fixed(v, 3)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.3f", v));
        }
    }

    @Test
    void sizesDurationsAndRates() {
        assertThat(Units.bytes(0)).isEqualTo("0 B");
        assertThat(Units.bytes(1023)).isEqualTo("1023 B");
        assertThat(Units.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(Units.bytes(10 * 1024 * 1024)).isEqualTo("10.0 MiB");
        assertThat(Units.bytes(1024L * 1024 * 1024 - 1)).isEqualTo("1024.0 MiB");
        assertThat(Units.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
        assertThat(Units.seconds(409_000_000)).isEqualTo("0.409 s");
        assertThat(Units.seconds(0)).isEqualTo("0.000 s");
        assertThat(Units.rate(0, 0)).isEqualTo("0.0 MiB/s");
        assertThat(Units.rate(10 * 1024 * 1024, 1_000_000_000)).isEqualTo("10.0 MiB/s");
    }
}
