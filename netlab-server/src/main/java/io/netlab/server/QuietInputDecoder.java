package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A decoder for the lab's text dialects, whose requests carry no length: a request ends at a newline (found by
 * {@link #decode}), when the peer half-closes ({@link #decodeLast}, with {@code ALLOW_HALF_CLOSURE} on), or after a
 * short quiet pause, {@link #quiet}: when bytes are buffered and nothing more has arrived for {@link #QUIET_MILLIS}
 * ms, the textbook client (one {@code send} without a newline, then one {@code recv}) is waiting for its answer.
 * The pause is well under the 10 s that lab clients wait, and long enough that a request sent in one write is never
 * cut in two on a local network. A quiet spell while the server itself is not reading ({@code AUTO_READ} off, see
 * {@link BackpressureHandler}) is no pause of the peer's and ends nothing.
 */
abstract class QuietInputDecoder extends ByteToMessageDecoder {
    /** The quiet pause that ends a request without a newline. */
    static final long QUIET_MILLIS = 300;

    private final long quietNanos;
    private long lastRead;
    private ScheduledFuture<?> timer;

    QuietInputDecoder() {
        this(QUIET_MILLIS);
    }

    QuietInputDecoder(long quietMillis) {
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(quietMillis);
    }

    /**
     * Called when the buffered bytes have been quiet for the pause: decode what they hold as the end of a request.
     * Bytes left in {@code in} wait for more input (and another pause).
     */
    abstract void quiet(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastRead = ctx.executor().ticker().nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        if (timer == null && !ctx.isRemoved() && internalBuffer().isReadable()) {
            timer = ctx.executor().schedule(() -> onTimer(ctx), quietNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer(ChannelHandlerContext ctx) {
        timer = null;
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            // the server has stopped reading (BackpressureHandler: the peer does not take its answers): the quiet
            // is the server's, not the peer's pause; count it from when reading resumes
            lastRead = ctx.executor().ticker().nanoTime();
            timer = ctx.executor().schedule(() -> onTimer(ctx), quietNanos, TimeUnit.NANOSECONDS);
            return;
        }
        long idle = ctx.executor().ticker().nanoTime() - lastRead;
        if (idle < quietNanos) {
            timer = ctx.executor().schedule(() -> onTimer(ctx), quietNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        ByteBuf in = internalBuffer();
        if (!in.isReadable()) {
            return;
        }
        List<Object> out = new ArrayList<>(2);
        try {
            quiet(ctx, in, out);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        } finally {
            for (Object o : out) {
                ctx.fireChannelRead(o);
            }
            if (!out.isEmpty()) {
                ctx.fireChannelReadComplete();
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The number of readable bytes that end on a whole UTF-8 character: a character split across reads waits. */
    static int completeUtf8Length(ByteBuf in) {
        int r = in.readerIndex();
        int w = in.writerIndex();
        for (int i = w - 1; i >= Math.max(r, w - 3); i--) {
            int b = in.getUnsignedByte(i);
            if ((b & 0xC0) == 0x80) {
                continue;       // a continuation byte: look further back for the lead byte
            }
            // (a byte that starts no UTF-8 character, 0xC0, 0xC1, 0xF5..0xFF, is complete: it is escaped alone)
            int need = b >= 0xF5 || b == 0xC0 || b == 0xC1 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return w - i < need ? i - r : w - r;
        }
        return w - r;
    }
}
