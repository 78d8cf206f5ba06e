package io.netlab.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Closes a connection whose peer has half-closed, once the answers to its last bytes are written. With
 * {@code ALLOW_HALF_CLOSURE} on, the decoders before it see the end of the input (and answer what was left) first;
 * this handler then queues an empty write behind those answers and closes when it completes.
 */
@Sharable
final class CloseOnInputShutdown extends ChannelInboundHandlerAdapter {
    static final CloseOnInputShutdown INSTANCE = new CloseOnInputShutdown();

    private CloseOnInputShutdown() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        super.userEventTriggered(ctx, evt);
    }
}
