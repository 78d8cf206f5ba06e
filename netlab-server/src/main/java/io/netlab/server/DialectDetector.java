package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The port-unification handler: the first protocol handler of a connection on a server that speaks several dialects
 * on one port (right behind the common {@link RequestTimeoutHandler}). It holds the first bytes until
 * {@link FirstBytes} can tell what the peer speaks (or until a pause or a half-close says that no more are coming),
 * asks its {@link Router} to set up that dialect's handlers, and removes itself, handing the bytes it held to them.
 * Netty's port-unification example is the model.
 * <p>It keeps no deadline of its own: the request timeout counts from the connection's start whatever the dialect,
 * and a peer that sends nothing in time gets the protocol's TIMEOUT answer (or, on a file server without netlab, a
 * close). What it holds is bounded: {@link FirstBytes} decides within {@value FirstBytes#MAX_REQUEST_LINE} bytes.
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
    }

    private final Router router;

    DialectDetector(Router router) {
        this.router = router;
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
}
