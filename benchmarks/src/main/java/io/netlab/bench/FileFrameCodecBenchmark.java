package io.netlab.bench;

import io.netlab.codec.FileChunk;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Encode and decode throughput of FILE_DATA frames. One operation moves 1 MiB of payload (ops/s); the secondary
 * result {@code payload} (added by {@link PayloadRate}) states the same rate in MiB/s. Decoding is checked to stay
 * zero-copy: a decoded payload must point into the received buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileFrameCodecBenchmark {
    static final int MIB = 1024 * 1024;

    @Param({"1024", "8192", "65536", "262144", "1048576"})
    public int blockSize;

    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;
    private ByteBuf payload;
    private ByteBuf wire;
    private int frames;

    @Setup(Level.Trial)
    public void setUp() {
        frames = MIB / blockSize;
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(blockSize).writeZero(blockSize);
        encoder = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        encoder.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        decoder = new EmbeddedChannel(new FileFrameDecoder(blockSize));
        decoder.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        wire = PooledByteBufAllocator.DEFAULT.directBuffer(frames * (8 + blockSize));
        for (int i = 0; i < frames; i++) {
            wire.writeShort(0x4E4C).writeByte(1).writeByte(0x12).writeInt(blockSize).writeZero(blockSize);
        }
        checkZeroCopy();
    }

    /** Fails the run if a decoded payload is a copy instead of a slice of what was received. */
    private void checkZeroCopy() {
        ByteBuf in = wire.retainedDuplicate();
        long base = in.memoryAddress() + in.readerIndex();
        decoder.writeInbound(in);
        FileChunk first = decoder.readInbound();
        try {
            if (!first.content().hasMemoryAddress() || first.content().memoryAddress() != base + 8) {
                throw new IllegalStateException("decoding copied the payload (expected: a slice of the input)");
            }
        } finally {
            first.release();
            for (Object o; (o = decoder.readInbound()) != null; ) {
                ReferenceCountUtil.release(o);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
        payload.release();
        wire.release();
    }

    /** Encodes 1 MiB of payload as FILE_DATA frames (a header buffer each; the payload is not copied). */
    @Benchmark
    public void encode(Blackhole bh) {
        for (int i = 0; i < frames; i++) {
            encoder.writeOutbound(new FileChunk(payload.retainedSlice()));
        }
        for (Object o; (o = encoder.readOutbound()) != null; ) {
            bh.consume(o);
            ReferenceCountUtil.release(o);
        }
    }

    /** Decodes 1 MiB of payload received as one buffer of FILE_DATA frames. */
    @Benchmark
    public void decode(Blackhole bh) {
        decoder.writeInbound(wire.retainedDuplicate());
        for (Object o; (o = decoder.readInbound()) != null; ) {
            bh.consume(o);
            ReferenceCountUtil.release(o);
        }
    }

    /** Reference point: what a copy of the same bytes costs (what a copying decoder would add per MiB). */
    @Benchmark
    public void copyReference(Blackhole bh) {
        ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(wire.readableBytes());
        copy.writeBytes(wire, wire.readerIndex(), wire.readableBytes());
        bh.consume(copy);
        copy.release();
    }

}
