package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The port-unification handler: the first handler of a connection on a server that speaks several dialects on one
 * port. It holds the first bytes until {@link FirstBytes} can tell what the peer speaks (or until a pause or a
 * half-close says that no more are coming), asks its {@link Router} to set up that dialect's handlers, and removes
 * itself, handing the bytes it held to them. Netty's port-unification example is the model.
 */
final class DialectDetector extends QuietInputDecoder {
    private static final Logger logger = LoggerFactory.getLogger(DialectDetector.class);

    /** Sets up the handlers of the dialect the first bytes call for; the detector then hands them the bytes. */
    interface Router {
        /**
         * @param first the bytes held (not to be consumed; they go on to the new handlers)
         * @param ended whether the peer has paused or half-closed: these bytes are all there is for now
         * @return whether the connection goes on (false: the router has closed it)
         */
        boolean route(ChannelHandlerContext ctx, FirstBytes.Kind kind, ByteBuf first, boolean ended);

        /** Whether another handler answers a connection that sends nothing in time (else the detector closes it). */
        boolean answersSilence(ChannelHandlerContext ctx);
    }

    private final Router router;
    private final long requestTimeoutMillis;
    private long connectedAt;
    private ScheduledFuture<?> deadline;

    DialectDetector(Router router, long requestTimeoutMillis) {
        this.router = router;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    /** When the connection was set up, on the event loop's ticker: request deadlines count from it. */
    long connectedAt() {
        return connectedAt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        connectedAt = ctx.executor().ticker().nanoTime();
        super.handlerAdded(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        deadline = ctx.executor().schedule(() -> {
            if (!ctx.isRemoved() && ctx.channel().isActive() && !router.answersSilence(ctx)) {
                logger.info("{} sent no complete request within {} ms: closing", ctx.channel().remoteAddress(),
                        requestTimeoutMillis);
                ctx.close();
            }
        }, requestTimeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decide(ctx, in, false);
    }

    @Override
    void quiet(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decide(ctx, in, true);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decide(ctx, in, true);
        } else if (!ctx.isRemoved()) {
            logger.debug("{} closed its side without sending anything", ctx.channel());
            ctx.close();
        }
    }

    private void decide(ChannelHandlerContext ctx, ByteBuf in, boolean ended) {
        FirstBytes.Kind kind = FirstBytes.classify(in, ended);
        if (kind == null || ctx.isRemoved()) {
            return;
        }
        if (router.route(ctx, kind, in, ended)) {
            ctx.pipeline().remove(this);    // hands the bytes held on to the dialect's handlers
        } else {
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} connection failed before its dialect was known: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.channelInactive(ctx);
    }
}
