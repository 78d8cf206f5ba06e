package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

import static io.netlab.codec.NetlabFrames.HEADER_LENGTH;
import static io.netlab.codec.NetlabFrames.TYPE_SUM_REPLY;
import static io.netlab.codec.NetlabFrames.TYPE_SUM_REQUEST;
import static io.netlab.codec.SumConstants.MAX_NAME_LENGTH;

/**
 * Encodes {@link SumFrame}s in the layout documented on {@link SumDecoder}. Stateless and shared.
 * A name longer than {@value SumConstants#MAX_NAME_LENGTH} bytes of UTF-8 fails the write with an
 * {@link EncoderException}; error messages are cut to fit instead.
 */
@Sharable
public final class SumEncoder extends MessageToByteEncoder<SumFrame> {
    /** The shared instance. */
    public static final SumEncoder INSTANCE = new SumEncoder();

    private SumEncoder() {
        super(SumFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, SumFrame msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(frameLength(msg));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SumFrame msg, ByteBuf out) {
        if (msg instanceof SumRequest m) {
            NetlabFrames.writeHeader(out, TYPE_SUM_REQUEST, frameLength(msg) - HEADER_LENGTH);
            NetlabFrames.writeString(out, m.name());
            out.writeInt(m.value());
        } else if (msg instanceof SumReply r) {
            NetlabFrames.writeHeader(out, TYPE_SUM_REPLY, frameLength(msg) - HEADER_LENGTH);
            NetlabFrames.writeString(out, r.name());
            out.writeInt(r.value());
            out.writeLong(r.sum());
        } else if (msg instanceof SumError e) {
            NetlabFrames.writeError(out, e.code(), e.message());
        } else {
            throw unknown(msg);
        }
    }

    private static int frameLength(SumFrame msg) {
        if (msg instanceof SumRequest m) {
            return HEADER_LENGTH + NetlabFrames.stringLength("name", m.name(), MAX_NAME_LENGTH) + 4;
        } else if (msg instanceof SumReply r) {
            return HEADER_LENGTH + NetlabFrames.stringLength("name", r.name(), MAX_NAME_LENGTH) + 12;
        } else if (msg instanceof SumError e) {
            return NetlabFrames.errorFrameLength(e.message());
        }
        throw unknown(msg);
    }

    private static EncoderException unknown(Object msg) {
        return new EncoderException("unknown message: " + msg.getClass().getName()
                + " (expected: one of SumRequest, SumReply, SumError)");
    }
}
