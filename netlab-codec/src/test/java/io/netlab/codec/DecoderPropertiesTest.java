package io.netlab.codec;

import io.netlab.testing.Bytes;
import io.netlab.testing.LeakCheck;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of every decoder: whatever bytes arrive, cut however, the only failure is a DecoderException, nothing
 * leaks and nothing is buffered beyond what arrived; valid frames decode to the same frames however they are cut.
 */
class DecoderPropertiesTest {
    /** Held, so that its level stays: jqwik notes at INFO that the first property has more edge cases than tries. */
    private static final java.util.logging.Logger EDGE_CASE_NOTE = quiet("net.jqwik.engine.properties.RandomizedShrinkablesGenerator");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private static final List<Supplier<EmbeddedChannel>> DECODERS = List.of(
            () -> new EmbeddedChannel(FileFrameDecoder.forServer()),
            () -> new EmbeddedChannel(FileFrameDecoder.forClient(1024)),
            () -> new EmbeddedChannel(FileFrameDecoder.forClient(64).coalesceData(true)),
            () -> new EmbeddedChannel(new FileFrameDecoder(16)),
            () -> new EmbeddedChannel(SumDecoder.forServer()),
            () -> new EmbeddedChannel(SumDecoder.forClient()));

    @AfterContainer
    static void nothingLeaked() throws Exception {
        assertThat(LeakCheck.collect()).isEmpty();
    }

    /** Random bytes, or random bytes behind a valid magic and version (to get past the first check). */
    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> framed = Combinators.combine(
                Arbitraries.of(0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x7F, 0x00, 0xFF),
                Arbitraries.integers().between(0, 70),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(80)).as((type, length, body) -> {
                    byte[] b = new byte[8 + body.length];
                    b[0] = 'N';
                    b[1] = 'L';
                    b[2] = 1;
                    b[3] = (byte) (int) type;
                    b[7] = (byte) (int) length;
                    System.arraycopy(body, 0, b, 8, body.length);
                    return b;
                });
        return Arbitraries.oneOf(random, framed, framed.list().ofMaxSize(4).map(l -> {
            byte[] all = new byte[0];
            for (byte[] x : l) {
                all = concat(all, x);
            }
            return all;
        }));
    }

    @Property(tries = 400)
    void anyBytesCutAnyWayOnlyEverFailWithADecoderException(@ForAll("garbage") byte[] bytes,
                                                             @ForAll @IntRange(min = 1, max = 40) int piece,
                                                             @ForAll @IntRange(min = 0, max = 5) int which) {
        EmbeddedChannel ch = DECODERS.get(which).get();
        try {
            for (int i = 0; i < bytes.length; i += piece) {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
                for (Object o; (o = ch.readInbound()) != null; ) {
                    ReferenceCountUtil.release(o);
                }
            }
        } catch (DecoderException expected) {
            // malformed input is allowed to fail, and only like this
        }
        ch.finishAndReleaseAll();
    }

    @Provide
    Arbitrary<List<FileFrame>> frames() {
        Arbitrary<FileFrame> one = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').withChars("äöü名/:._- ").ofMaxLength(40)
                        .map(p -> (FileFrame) new FileRequest(p, 1024)),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2).map(s ->
                        (FileFrame) new FileHeader(FileHeader.Status.OK, s, 0, 64, DigestAlgorithm.CRC32C)),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).map(b -> (FileFrame) new FileChunk(Unpooled.wrappedBuffer(b))),
                Arbitraries.longs().between(0, 1L << 40).map(t -> (FileFrame) new FileEnd(t, DigestAlgorithm.NONE, new byte[0])),
                Arbitraries.strings().withCharRange(' ', '~').withChars("é名").ofMaxLength(60)
                        .map(m -> (FileFrame) new FileError(ErrorCode.IO_ERROR, m)));
        return one.list().ofMaxSize(12);
    }

    @Property(tries = 200)
    void validFramesDecodeTheSameHoweverTheyAreCut(@ForAll("frames") List<FileFrame> frames,
                                                   @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 300) Integer> cuts) {
        EmbeddedChannel enc = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        List<String> expected = new ArrayList<>();
        for (FileFrame f : frames) {
            expected.addAll(describe(f));
            enc.writeOutbound(f);
        }
        byte[] wire = Bytes.outbound(enc);
        enc.finishAndReleaseAll();
        for (boolean coalesce : new boolean[] {false, true}) {
            EmbeddedChannel dec = new EmbeddedChannel(new FileFrameDecoder(64).coalesceData(coalesce));
            List<String> got = new ArrayList<>();
            int at = 0;
            for (int cut : cuts) {
                int end = Math.min(wire.length, at + cut);
                dec.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, at, end)));
                drain(dec, got);
                at = end;
            }
            dec.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, at, wire.length)));
            drain(dec, got);
            assertThat(got).isEqualTo(expected);
            assertThat(dec.finishAndReleaseAll()).isFalse();
        }
    }

    private static void drain(EmbeddedChannel dec, List<String> got) {
        for (Object o; (o = dec.readInbound()) != null; ) {
            if (o instanceof FileDataRun run) {
                run.forEachPayload((buf, index, length) -> got.add("data:" + ByteBufUtil.hexDump(buf, index, length)));
            } else {
                got.addAll(describe((FileFrame) o));
            }
            ReferenceCountUtil.release(o);
        }
    }

    private static List<String> describe(FileFrame f) {
        if (f instanceof FileChunk c) {
            return List.of("data:" + ByteBufUtil.hexDump(c.content()));
        }
        return List.of(f.toString());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
