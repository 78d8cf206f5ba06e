package io.netlab.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
    @Test
    void theThreeFormsOfASingleRange() {
        assertThat(ByteRange.parse("bytes=0-4", 13)).isEqualTo(new ByteRange(0, 4));
        assertThat(ByteRange.parse("bytes=5-", 13)).isEqualTo(new ByteRange(5, 12));
        assertThat(ByteRange.parse("bytes=-3", 13)).isEqualTo(new ByteRange(10, 12));
        assertThat(ByteRange.parse("bytes=-30", 13)).isEqualTo(new ByteRange(0, 12));
        assertThat(ByteRange.parse("bytes=10-99", 13)).isEqualTo(new ByteRange(10, 12));
        assertThat(ByteRange.parse("Bytes=1-2", 13)).isEqualTo(new ByteRange(1, 2));
        assertThat(new ByteRange(10, 12).length()).isEqualTo(3);
    }

    @Test
    void pastTheEndCannotBeSatisfied() {
        assertThat(ByteRange.parse("bytes=13-", 13)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=0-", 0)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-0", 13)).isSameAs(ByteRange.UNSATISFIABLE);
    }

    @Test
    void anythingElseIsIgnored() {
        assertThat(ByteRange.parse(null, 13)).isNull();
        assertThat(ByteRange.parse("bytes=0-1,3-4", 13)).isNull();
        assertThat(ByteRange.parse("items=0-1", 13)).isNull();
        assertThat(ByteRange.parse("bytes=5-1", 13)).isNull();
        assertThat(ByteRange.parse("bytes=a-", 13)).isNull();
        assertThat(ByteRange.parse("bytes=-", 13)).isNull();
        assertThat(ByteRange.parse("bytes=99999999999999999999-", 13)).isNull();
    }
}
