package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code --request-timeout}, for every protocol: the first whole request must arrive within the timeout of the
 * connection's start, and each later request within the timeout of its first byte. A connection that stays quiet
 * between requests is not timed here (the idle timeout governs it); one that sends a request too slowly — or
 * nothing at all — is answered with the protocol's TIMEOUT error and closed. The clock is held while the server
 * itself has stopped reading (see {@link BackpressureHandler}), since the request cannot complete then.
 * <p>It sits in front of the protocol's decoder (and of the {@link DialectDetector} on a server that speaks several
 * dialects), where it sees bytes arrive; the {@link BackpressureHandler} behind the decoder tells it when a request
 * is whole. With {@code oneRequest} (the file service) it is done after the first request. It is the one request
 * deadline of every dialect, counted from the connection's start: the dialect chosen by the first bytes only says
 * what to answer ({@link #answerWith}): an HTTP 408, or nothing at all for the raw lab dialect, which has no error
 * channel (the sum text dialect needs nothing: its encoder writes a TIMEOUT error as nothing).
 */
final class RequestTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(RequestTimeoutHandler.class);

    private final long timeoutNanos;
    private Function<String, Object> timeoutMessage;
    private final boolean oneRequest;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private boolean finished;
    private boolean timedOut;

    /**
     * @param timeoutNanos   the request timeout
     * @param timeoutMessage the protocol's TIMEOUT answer, given the timeout in seconds as text ({@code null}: none)
     * @param oneRequest     whether only the first request is timed
     */
    RequestTimeoutHandler(long timeoutNanos, Function<String, Object> timeoutMessage, boolean oneRequest) {
        this.timeoutNanos = timeoutNanos;
        this.timeoutMessage = timeoutMessage;
        this.oneRequest = oneRequest;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (timedOut) {
            ReferenceCountUtil.release(msg);      // answered TIMEOUT and closing: nothing more is served
            return;
        }
        if (deadline == null && !finished && msg instanceof ByteBuf buf && buf.isReadable()) {
            arm();                                // the first byte of a new request
        }
        super.channelRead(ctx, msg);
    }

    /**
     * The dialect the peer speaks answers a request that takes too long this way from now on ({@link FileDialects}).
     *
     * @param timeoutMessage given the timeout in seconds as text, the answer, or {@code null}: a close without one
     */
    void answerWith(Function<String, Object> timeoutMessage) {
        this.timeoutMessage = timeoutMessage;
    }

    /** A whole request has arrived (called by the handler behind the decoder). */
    void requestComplete() {
        cancel();
        if (oneRequest) {
            finished = true;
        }
    }

    /**
     * A handler that answered a request completely takes another on the same connection (the netlab file service,
     * {@link KeepAlive}): the next one is timed from its first byte, even with {@code oneRequest}.
     */
    void expectAnother() {
        cancel();
        finished = !ctx.channel().isActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        finished = true;
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm() {
        deadline = ctx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expired() {
        deadline = null;
        if (finished || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            arm();        // the server is not reading (the peer does not take its answers): not the request's fault
            return;
        }
        timedOut = true;
        String seconds = TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 1000.0 + " s";
        Object answer = timeoutMessage.apply(seconds);
        if (answer == null) {
            logger.info("{} sent no complete request within {}: closing without an answer",
                    ClientAddress.of(ctx.channel()), seconds);
            ctx.channel().close();
            return;
        }
        logger.info("{} sent no complete request within {}: closing", ClientAddress.of(ctx.channel()), seconds);
        ctx.channel().writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
}
