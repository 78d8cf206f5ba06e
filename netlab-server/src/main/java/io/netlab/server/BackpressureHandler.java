package io.netlab.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Stops serving a peer while its answers are not being taken. It sits right after the protocol's decoder, so it
 * sees whole requests: while the channel is not writable (more than the high water mark queued for the socket) it
 * holds them instead of passing them on, and turns {@code AUTO_READ} off; when the channel drains below the low
 * water mark it passes the held requests on, as long as the channel stays writable, then reads again. A peer that
 * sends and never reads therefore costs the server at most the high water mark, one answer, and the requests of
 * one read, whatever the protocol and however much an answer outweighs its request; the kernel's buffers then fill
 * and TCP stops the peer. It also tells the {@link RequestTimeoutHandler} of every whole request. A protocol handler
 * that needs no more of this (the file handler, once its one transfer runs) may take it out of the pipeline.
 */
final class BackpressureHandler extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private final RequestTimeoutHandler requestTimeout;
    private boolean drainScheduled;

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
        ctx.channel().config().setAutoRead(true);
    }

    private void releaseHeld() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Requests held right now (for tests). */
    int heldRequests() {
        return held.size();
    }
}
