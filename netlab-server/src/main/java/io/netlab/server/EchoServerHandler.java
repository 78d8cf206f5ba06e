package io.netlab.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The lab's example service: answers every piece of text that {@link EchoTextDecoder} cuts (a line with its
 * {@code "\n"}, or text that ended with a pause or a half-close) with the same text uppercased, in one write.
 */
@Sharable
final class EchoServerHandler extends SimpleChannelInboundHandler<String> {
    static final EchoServerHandler INSTANCE = new EchoServerHandler();
    private static final Logger logger = LoggerFactory.getLogger(EchoServerHandler.class);

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.info("{} connected", ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String text) {
        ctx.writeAndFlush(text.toUpperCase(Locale.ROOT));
    }


    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            logger.info("{} sent a line over {} bytes: closing", ctx.channel().remoteAddress(),
                    EchoServer.MAX_LINE);
            ctx.writeAndFlush("ERROR: line longer than " + EchoServer.MAX_LINE + " bytes\n")
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
