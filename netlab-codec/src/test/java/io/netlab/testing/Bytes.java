package io.netlab.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Helpers for codec tests: raw frames, and feeding bytes to a decoder in every way the network may cut them. */
public final class Bytes {
    private Bytes() {
    }

    /** A netlab frame with the given header fields and body. */
    public static ByteBuf frame(int version, int type, byte[] body) {
        return Unpooled.buffer().writeShort(0x4E4C).writeByte(version).writeByte(type).writeInt(body.length)
                .writeBytes(body);
    }

    /** The readable bytes of {@code buf}, which is released. */
    public static byte[] drain(ByteBuf buf) {
        try {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } finally {
            buf.release();
        }
    }

    /** Everything an embedded channel wrote out, concatenated; the outbound buffers are released. */
    public static byte[] outbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        return drain(all);
    }

    /**
     * Feeds {@code wire} to fresh decoders cut at every single position, byte by byte, and whole, and checks that
     * each way yields the same messages (compared with {@code toComparable}, and released afterwards).
     */
    public static List<Object> decodeEveryWay(byte[] wire, Supplier<EmbeddedChannel> channels,
                                              java.util.function.Function<Object, Object> toComparable) {
        List<Object> whole = decode(channels.get(), List.of(wire), toComparable);
        for (int cut = 1; cut < wire.length; cut++) {
            byte[] a = java.util.Arrays.copyOfRange(wire, 0, cut);
            byte[] b = java.util.Arrays.copyOfRange(wire, cut, wire.length);
            List<Object> got = decode(channels.get(), List.of(a, b), toComparable);
            if (!got.equals(whole)) {
                throw new AssertionError("cut at " + cut + " decoded " + got + " (expected: " + whole + ')');
            }
        }
        List<byte[]> singles = new ArrayList<>();
        for (byte x : wire) {
            singles.add(new byte[] {x});
        }
        List<Object> got = decode(channels.get(), singles, toComparable);
        if (!got.equals(whole)) {
            throw new AssertionError("byte by byte decoded " + got + " (expected: " + whole + ')');
        }
        return whole;
    }

    private static List<Object> decode(EmbeddedChannel ch, List<byte[]> pieces,
                                       java.util.function.Function<Object, Object> toComparable) {
        List<Object> out = new ArrayList<>();
        for (byte[] p : pieces) {
            ch.writeInbound(Unpooled.wrappedBuffer(p));
            for (Object o; (o = ch.readInbound()) != null; ) {
                out.add(toComparable.apply(o));
                io.netty.util.ReferenceCountUtil.release(o);
            }
        }
        if (ch.finishAndReleaseAll()) {
            throw new AssertionError("decoder left messages behind");
        }
        return out;
    }
}
