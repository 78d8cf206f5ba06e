package io.netlab.codec.namevalue;

import io.netlab.codec.NetlabFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import static io.netlab.codec.NetlabFrames.HEADER_LENGTH;
import static io.netlab.codec.NetlabFrames.TYPE_SUM_REPLY;
import static io.netlab.codec.NetlabFrames.TYPE_SUM_REQUEST;
import static io.netlab.codec.namevalue.NamedIntConstants.MAX_NAME_LENGTH;

/**
 * Encodes {@link NamedIntFrame}s in the layout documented on {@link NamedIntDecoder}. Stateless and shared.
 * A name longer than {@value NamedIntConstants#MAX_NAME_LENGTH} bytes of UTF-8 fails the write with an
 * {@link io.netty.handler.codec.EncoderException}; error messages are cut to fit instead.
 */
@Sharable
public final class NamedIntEncoder extends MessageToByteEncoder<NamedIntFrame> {
    /** The shared instance. */
    public static final NamedIntEncoder INSTANCE = new NamedIntEncoder();

    private NamedIntEncoder() {
        super(NamedIntFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, NamedIntFrame msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(frameLength(msg));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NamedIntFrame msg, ByteBuf out) {
        if (msg instanceof NamedIntMessage m) {
            NetlabFrames.writeHeader(out, TYPE_SUM_REQUEST, NetlabFrames.stringLength("name", m.name(), MAX_NAME_LENGTH) + 4);
            NetlabFrames.writeString(out, m.name());
            out.writeInt(m.value());
        } else if (msg instanceof NamedIntReply r) {
            NetlabFrames.writeHeader(out, TYPE_SUM_REPLY, NetlabFrames.stringLength("name", r.name(), MAX_NAME_LENGTH) + 12);
            NetlabFrames.writeString(out, r.name());
            out.writeInt(r.value());
            out.writeLong(r.sum());
        } else if (msg instanceof NamedIntError e) {
            NetlabFrames.writeError(out, e.code(), e.message());
        }
    }

    private static int frameLength(NamedIntFrame msg) {
        if (msg instanceof NamedIntMessage m) {
            return HEADER_LENGTH + NetlabFrames.stringLength("name", m.name(), MAX_NAME_LENGTH) + 4;
        } else if (msg instanceof NamedIntReply r) {
            return HEADER_LENGTH + NetlabFrames.stringLength("name", r.name(), MAX_NAME_LENGTH) + 12;
        }
        return NetlabFrames.errorFrameLength(((NamedIntError) msg).message());
    }
}
