package io.netlab.server;

import io.netlab.codec.SumError;
import io.netlab.codec.SumReply;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes the sum service's answers in its text dialect, as students' servers do: a {@link SumReply} becomes
 * {@code SERVER NAME,SERVER NUMBER} and a newline, then the connection is closed (one request per connection); a
 * {@link SumError} becomes nothing at all — the dialect has no error form, so a refusal (an out-of-range number, an
 * unreadable line) is a close without a reply. The netlab sum handler answers through it unchanged.
 */
@Sharable
final class SumTextEncoder extends ChannelOutboundHandlerAdapter {
    static final SumTextEncoder INSTANCE = new SumTextEncoder();

    private SumTextEncoder() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof SumReply reply) {
            String line = reply.name().replace('\n', ' ').replace('\r', ' ') + ',' + reply.value() + '\n';
            ctx.write(ByteBufUtil.writeUtf8(ctx.alloc(), line), promise);
            promise.addListener(ChannelFutureListener.CLOSE);
        } else if (msg instanceof SumError) {
            ctx.write(Unpooled.EMPTY_BUFFER, promise);      // no reply; the handler closes once this is "written"
        } else {
            ctx.write(msg, promise);
        }
    }
}
