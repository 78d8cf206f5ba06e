package io.netlab.bench;

import io.netlab.codec.SumDecoder;
import io.netlab.codec.SumEncoder;
import io.netlab.codec.SumRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** Encode and decode operations per second of the sum request. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SumCodecBenchmark {
    private final SumRequest message = new SumRequest("Server of John Q. Smith", 42);
    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;
    private ByteBuf wire;

    @Setup(Level.Trial)
    public void setUp() {
        encoder = new EmbeddedChannel(SumEncoder.INSTANCE);
        encoder.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        decoder = new EmbeddedChannel(SumDecoder.forServer());
        encoder.writeOutbound(message);
        wire = encoder.readOutbound();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wire.release();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    @Benchmark
    public void encode(Blackhole bh) {
        encoder.writeOutbound(message);
        Object o = encoder.readOutbound();
        bh.consume(o);
        ReferenceCountUtil.release(o);
    }

    @Benchmark
    public Object decode() {
        decoder.writeInbound(wire.retainedDuplicate());
        return decoder.readInbound();
    }
}
