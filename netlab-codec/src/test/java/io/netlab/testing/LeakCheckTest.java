package io.netlab.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves that the leak check can fail: a buffer dropped without release is reported. */
class LeakCheckTest {

    @Test
    void reportsABufferThatWasNeverReleased() throws Exception {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakCheck.collect()).isEmpty();
        leakOne();
        assertThat(LeakCheck.collect()).singleElement().asString().contains("LEAK of ByteBuf");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeLong(42);          // and drop it
    }
}
