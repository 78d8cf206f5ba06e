package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.namevalue.NamedIntError;
import io.netlab.codec.namevalue.NamedIntMessage;
import io.netlab.codec.namevalue.NamedIntReply;
import io.netlab.runtime.Console;
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
final class SumServerHandler extends SimpleChannelInboundHandler<NamedIntMessage> {
    private static final Logger logger = LoggerFactory.getLogger(SumServerHandler.class);

    private final SumService service;
    private final RunningServer server;

    SumServerHandler(SumService service, RunningServer server) {
        this.service = service;
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.info("{} connected", ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, NamedIntMessage msg) {
        String client = Console.safe(msg.name());
        if (!service.inRange(msg.value())) {
            boolean stop = !service.keepRunning();
            synchronized (service.out()) {
                service.out().println("Client name: " + client + " | Server name: " + service.name());
                service.out().println("Client number: " + msg.value() + " is outside " + service.min() + ".."
                        + service.max() + (stop ? ": shutting down" : ": refused"));
                service.out().flush();
            }
            String message = "number: " + msg.value() + " (expected: " + service.min() + ".." + service.max() + ')'
                    + (stop ? "; the server is shutting down" : "");
            ctx.writeAndFlush(new NamedIntError(ErrorCode.OUT_OF_RANGE, message)).addListener((ChannelFutureListener) f -> {
                f.channel().close();
                if (stop) {
                    logger.info("out-of-range number {} from {}: shutting down", msg.value(), ctx.channel().remoteAddress());
                    server.shutdownAsync();
                }
            });
            return;
        }
        long sum = (long) msg.value() + service.number();
        synchronized (service.out()) {
            service.out().println("Client name: " + client + " | Server name: " + service.name());
            service.out().println("Client number: " + msg.value() + " | Server number: " + service.number()
                    + " | Sum: " + sum);
            service.out().flush();
        }
        ctx.writeAndFlush(new NamedIntReply(service.name(), service.number(), sum));
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
        logger.info("{} protocol error: {}", ctx.channel().remoteAddress(), message);
        ctx.writeAndFlush(new NamedIntError(code, message)).addListener(ChannelFutureListener.CLOSE);
    }
}
