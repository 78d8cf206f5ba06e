package io.netlab.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Stops serving a peer while its answers are not being taken. It sits right after the protocol's decoder, so it
 * sees whole requests: while the channel is not writable (more than the high water mark queued for the socket) it
 * holds them instead of passing them on, and turns {@code AUTO_READ} off; when the channel drains below the low
 * water mark it passes the held requests on, as long as the channel stays writable, then reads again. A peer that
 * sends and never reads therefore costs the server at most the high water mark, one answer, and the requests of
 * one read, whatever the protocol and however much an answer outweighs its request; the kernel's buffers then fill
 * and TCP stops the peer. It also tells the {@link RequestTimeoutHandler} of every whole request. On a server that
 * speaks several dialects it goes behind whichever decoder the {@link DialectDetector} chose (netlab frames, the raw
 * dialect's name, HTTP requests, the sum text line), so every dialect is bounded the same way. A protocol handler
 * that needs no more of this (the file handler, once its one transfer runs) may take it out of the pipeline.
 */
final class BackpressureHandler extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private final RequestTimeoutHandler requestTimeout;
    private boolean drainScheduled;
    /** The end of the peer's input, when it came while requests were held: it goes on after them. */
    private Object heldInputShutdown;

    BackpressureHandler(RequestTimeoutHandler requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        requestTimeout.requestComplete();
        if (held.isEmpty() && ctx.channel().isWritable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        held.add(msg);
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * The end of the peer's input comes after the requests held before it (the handlers behind close on it once they
     * have answered: the last requests of a peer that half-closed are still answered).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!held.isEmpty() && evt instanceof ChannelInputShutdownEvent) {
            heldInputShutdown = evt;        // nothing is read after it: it is the last thing held
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Passes the end of the input on once nothing is held before it. */
    private void passInputShutdown(ChannelHandlerContext ctx) {
        if (held.isEmpty() && heldInputShutdown != null) {
            Object evt = heldInputShutdown;
            heldInputShutdown = null;
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        } else if (!drainScheduled) {
            // not from inside the flush that made the channel writable: on the event loop's next turn
            drainScheduled = true;
            ctx.executor().execute(() -> drain(ctx));
        }
        super.channelWritabilityChanged(ctx);
    }

    private void drain(ChannelHandlerContext ctx) {
        drainScheduled = false;
        if (!ctx.channel().isActive()) {
            return;
        }
        boolean passed = false;
        while (!held.isEmpty() && ctx.channel().isWritable()) {
            ctx.fireChannelRead(held.poll());
            passed = true;
        }
        if (passed) {
            ctx.fireChannelReadComplete();      // the protocol handlers flush their answers on it
        }
        passInputShutdown(ctx);
        if (held.isEmpty() && ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);      // also asks for a read at once
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    /** Taken out of the pipeline: what it held goes on to the next handler, and reading resumes. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (Object msg; (msg = held.poll()) != null; ) {
            ctx.fireChannelRead(msg);
        }
        passInputShutdown(ctx);
        ctx.channel().config().setAutoRead(true);
    }

    private void releaseHeld() {
        heldInputShutdown = null;
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Requests held right now (for tests). */
    int heldRequests() {
        return held.size();
    }
}
