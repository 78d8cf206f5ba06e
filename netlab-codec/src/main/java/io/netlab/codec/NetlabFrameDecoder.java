package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;

import java.util.List;

import static io.netlab.codec.NetlabFrames.HEADER_LENGTH;
import static io.netlab.codec.NetlabFrames.MAGIC;
import static io.netlab.codec.NetlabFrames.VERSION;

/**
 * Base of the netlab frame decoders (package-private: its hooks are for {@link FileFrameDecoder} and
 * {@link SumDecoder} only): checks the {@link NetlabFrames header} and hands each complete body
 * to {@link #decodeBody}. It fails fast on anything that is not netlab: the first byte that differs from
 * the magic is rejected at once (an HTTP request, a TLS ClientHello or random bytes never get as far as a
 * length), and a length over the type's limit is rejected before any of the body is buffered.
 * After a failure the stream cannot resynchronise, so everything that follows is discarded.
 */
abstract class NetlabFrameDecoder extends ByteToMessageDecoder {
    private boolean corrupted;

    /**
     * Creates a decoder; subclasses say which frame types they accept through {@link #maxBodyLength}.
     *
     * @throws IllegalStateException when the class path mixes Netty 4.2 with an older Netty ({@link NettyVersions})
     */
    NetlabFrameDecoder() {
        NettyVersions.check();
    }

    /**
     * The largest body accepted for a frame type.
     *
     * @return the limit, or a negative value when this decoder does not accept frames of that type
     */
    abstract int maxBodyLength(int type);

    /** A description of the accepted types for error messages, e.g. {@code "FILE_REQUEST (0x10)"}. */
    abstract String expectedTypes();

    /**
     * Decodes one complete frame body. The body must be read to its end; bytes left over are an error.
     * To keep bytes, hand them on with {@link ByteBuf#readRetainedSlice(int)}.
     */
    abstract void decodeBody(int type, ByteBuf body, List<Object> out);

    /**
     * Whether consecutive complete frames of this type, already received, are handed on together as one run through
     * {@link #decodeRun} instead of one message each. Off by default.
     */
    boolean coalesces(int type) {
        return false;
    }

    /**
     * Hands on a run of {@code count >= 2} complete frames of one type, headers included, as found in the input.
     * Every header in it has been checked like any other (magic, version, type, length limit).
     *
     * @param frames the frames; read it to its end, e.g. with {@link ByteBuf#readRetainedSlice(int)}
     */
    void decodeRun(int type, ByteBuf frames, int count, long bodyBytes, List<Object> out) {
        throw new UnsupportedOperationException("decodeRun");
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (corrupted) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        int r = in.readerIndex();
        if (readable >= 1 && in.getUnsignedByte(r) != (MAGIC >>> 8)
                || readable >= 2 && in.getUnsignedShort(r) != MAGIC) {
            throw fail(in, new CorruptedFrameException(describeBadMagic(in)));
        }
        if (readable < HEADER_LENGTH) {
            return;
        }
        int version = in.getUnsignedByte(r + 2);
        if (version != VERSION) {
            throw fail(in, new UnsupportedVersionException(
                    "version: " + version + " (expected: " + VERSION + ')', version));
        }
        int type = in.getUnsignedByte(r + 3);
        long length = in.getUnsignedInt(r + 4);
        int max = maxBodyLength(type);
        if (max < 0) {
            throw fail(in, new CorruptedFrameException(
                    "type: " + NetlabFrames.typeName(type) + " (expected: " + expectedTypes() + ')'));
        }
        if (length > max) {
            throw fail(in, new TooLongFrameException(NetlabFrames.typeName(type) + " length: " + length
                    + " (expected: <= " + max + ')'));
        }
        if (readable < HEADER_LENGTH + length) {
            return;
        }
        if (coalesces(type)) {
            int end = r + HEADER_LENGTH + (int) length;
            int count = 1;
            long bodies = length;
            int limit = r + readable;
            while (end + HEADER_LENGTH <= limit && in.getUnsignedShort(end) == MAGIC
                    && in.getUnsignedByte(end + 2) == VERSION && in.getUnsignedByte(end + 3) == type) {
                long next = in.getUnsignedInt(end + 4);
                if (next < 1 || next > max || end + HEADER_LENGTH + next > limit) {
                    break;      // incomplete, or wrong: decoded (and refused) on its own next time
                }
                end += HEADER_LENGTH + (int) next;
                bodies += next;
                count++;
            }
            if (count > 1) {
                ByteBuf run = in.readSlice(end - r);
                int before = out.size();
                try {
                    decodeRun(type, run, count, bodies, out);
                } catch (RuntimeException e) {
                    throw fail(in, out, before, type, e);
                }
                return;
            }
        }
        in.skipBytes(HEADER_LENGTH);
        ByteBuf body = in.readSlice((int) length);
        int before = out.size();
        try {
            decodeBody(type, body, out);
            if (body.isReadable()) {
                throw new CorruptedFrameException(NetlabFrames.typeName(type) + ": " + body.readableBytes()
                        + " unexpected bytes at the end of a " + length + "-byte body");
            }
        } catch (RuntimeException e) {
            throw fail(in, out, before, type, e);
        }
    }

    /** Takes back (and releases) what this frame added to {@code out}, then fails like {@link #fail(ByteBuf, DecoderException)}. */
    private DecoderException fail(ByteBuf in, List<Object> out, int before, int type, RuntimeException e) {
        for (int i = out.size() - 1; i >= before; i--) {
            ReferenceCountUtil.release(out.remove(i));
        }
        return fail(in, e instanceof DecoderException d ? d
                : new CorruptedFrameException(NetlabFrames.typeName(type) + ": " + e.getMessage(), e));
    }

    private DecoderException fail(ByteBuf in, DecoderException cause) {
        corrupted = true;
        in.skipBytes(in.readableBytes());
        return cause;
    }

    /**
     * Whether this decoder reads what clients send (a server's decoder), so that foreign bytes are described as a
     * request ({@link ForeignBytes#likelyRequest}) rather than as an answer ({@link ForeignBytes#likelyAnswer}).
     */
    boolean decodesRequests() {
        return false;
    }

    /**
     * The bad-magic error, in words a person can act on: the two bytes against the magic, what the peer most
     * likely speaks, and the first bytes as escaped text and hex, e.g.
     * {@code magic: 0x7465 (expected: 0x4e4c "NL"): not a netlab peer, this looks like a raw lab file request for
     * `test.txt`; received "test.txt" (74 65 73 74 2e 74 78 74)}.
     */
    private String describeBadMagic(ByteBuf in) {
        int r = in.readerIndex();
        int n = Math.min(in.readableBytes(), 2);
        StringBuilder got = new StringBuilder("0x");
        for (int i = 0; i < n; i++) {
            got.append(String.format("%02x", in.getUnsignedByte(r + i)));
        }
        String guess = decodesRequests() ? ForeignBytes.likelyRequest(in) : ForeignBytes.likelyAnswer(in);
        return "magic: " + got + " (expected: 0x4e4c \"NL\"): not a netlab peer"
                + (guess == null ? "" : ", this looks like " + guess) + "; received " + ForeignBytes.show(in);
    }
}
