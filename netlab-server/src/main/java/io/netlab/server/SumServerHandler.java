package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.SumError;
import io.netlab.codec.SumRequest;
import io.netlab.codec.SumReply;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the client's number to the server's, prints both names, both numbers and the sum as the lab asks, and
 * replies. An out-of-range number is answered with OUT_OF_RANGE and, unless the service keeps running, shuts
 * the whole server down once the reply has been sent.
 */
final class SumServerHandler extends SimpleChannelInboundHandler<SumRequest> {
    private static final Logger logger = LoggerFactory.getLogger(SumServerHandler.class);

    private final SumServer.SumRules rules;
    private final RunningServer server;

    SumServerHandler(SumServer.SumRules rules, RunningServer server) {
        this.rules = rules;
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.info("{} connected", ClientAddress.of(ctx.channel()));
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SumRequest msg) {
        if (!rules.inRange(msg.value())) {
            boolean stop = !rules.keepRunning();
            rules.listener().refused(ClientAddress.of(ctx.channel()), msg.name(), msg.value(), rules.name(), rules.min(),
                    rules.max(), stop);
            String message = "number: " + msg.value() + " (expected: " + rules.min() + ".." + rules.max() + ')'
                    + (stop ? "; the server is shutting down" : "");
            ctx.writeAndFlush(new SumError(ErrorCode.OUT_OF_RANGE, message)).addListener((ChannelFutureListener) f -> {
                f.channel().close();
                if (stop) {
                    logger.info("out-of-range number {} from {}: shutting down", msg.value(), ClientAddress.of(ctx.channel()));
                    server.shutdownAsync();
                }
            });
            return;
        }
        long sum = (long) msg.value() + rules.number();
        rules.listener().answered(ClientAddress.of(ctx.channel()), msg.name(), msg.value(), rules.name(), rules.number(),
                sum);
        ctx.write(new SumReply(rules.name(), rules.number(), sum));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        ctx.flush();       // one flush for every reply to what one read brought
        super.channelReadComplete(ctx);
    }


    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ErrorCode code = ProtocolErrors.codeFor(cause);
        if (code == null || !ctx.channel().isActive()) {
            logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
            ctx.close();
            return;
        }
        String message = ProtocolErrors.messageFor(cause);
        logger.info("{} protocol error: {}", ClientAddress.of(ctx.channel()), message);
        ctx.writeAndFlush(new SumError(code, message)).addListener(ChannelFutureListener.CLOSE);
    }
}
