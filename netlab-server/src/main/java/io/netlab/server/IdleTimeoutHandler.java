package io.netlab.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * {@code --idle-timeout}: closes a connection that has made no progress at all for the timeout. Progress is a
 * read, a write completed, a write partly done (the outbound buffer's current message, its progress or the bytes
 * queued changed), or — on epoll — the kernel sending data and the peer acknowledging it ({@code TCP_INFO}).
 * <p>Why not Netty's {@code IdleStateHandler}: with {@code observeOutput} it ignores output progress for the
 * <em>first</em> idle event of a period by design, so a handler that closes on the first event closes a slow reader
 * whose one big write (a 256 KiB run, a 16 MiB block) has not completed within the timeout. And a slow reader's
 * progress is often invisible to Netty altogether: the kernel's send buffer (up to 4 MiB) only reports room again
 * once half of it has drained, which at 8 KB/s takes minutes, while the kernel keeps sending as the reader reads.
 * On NIO, which has no {@code TCP_INFO}, a write is tried at each check while output is pending, so what the
 * kernel has taken since shows as progress.
 * <p>It checks eight times per timeout, so a connection is closed between the timeout and 1.25 times the timeout
 * after its last progress.
 */
final class IdleTimeoutHandler extends ChannelDuplexHandler {
    private static final Logger logger = LoggerFactory.getLogger(IdleTimeoutHandler.class);

    private final long timeoutNanos;
    private final long checkNanos;
    private ScheduledFuture<?> check;
    private long lastProgress;
    private Object lastCurrent;
    private long lastCurrentProgress = -1;
    private long lastPending = -1;
    private EpollTcpInfo tcpInfo;

    IdleTimeoutHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        this.checkNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / 8);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (check == null) {
            lastProgress = System.nanoTime();
            check = ctx.executor().schedule(() -> check(ctx), checkNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastProgress = System.nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise.unvoid()).addListener(f -> lastProgress = System.nanoTime());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (check != null) {
            check.cancel(false);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (!ch.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (outputMoved(ch)) {
            lastProgress = now;
        }
        long kernel = kernelProgress(ch, now);
        if (kernel - lastProgress > 0) {
            lastProgress = kernel;
        }
        long idle = now - lastProgress;
        if (idle >= timeoutNanos) {
            logger.info("{} made no progress for {} ms: closing", ClientAddress.of(ch), TimeUnit.NANOSECONDS.toMillis(idle));
            ctx.close();
            return;
        }
        check = ctx.executor().schedule(() -> check(ctx), Math.min(checkNanos, timeoutNanos - idle), TimeUnit.NANOSECONDS);
    }

    /** Whether the outbound buffer changed since the last check (on NIO, after trying a write). */
    private boolean outputMoved(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (out == null) {
            return false;
        }
        if (!out.isEmpty() && ch.unsafe() instanceof AbstractNioChannel.NioUnsafe nio) {
            nio.forceFlush();      // the kernel may have room that it has not reported yet
        }
        Object current = out.current();
        long currentProgress = out.currentProgress();
        long pending = out.totalPendingWriteBytes();
        boolean moved = current != lastCurrent || currentProgress != lastCurrentProgress || pending != lastPending;
        lastCurrent = current;
        lastCurrentProgress = currentProgress;
        lastPending = pending;
        return moved;
    }

    /**
     * On epoll, when the kernel last sent data that the peer has acknowledged since (the later of the two), as a
     * {@link System#nanoTime()}; otherwise {@code lastProgress}.
     */
    private long kernelProgress(Channel ch, long now) {
        if (!(ch instanceof EpollSocketChannel epoll)) {
            return lastProgress;
        }
        if (tcpInfo == null) {
            tcpInfo = new EpollTcpInfo();
        }
        try {
            epoll.tcpInfo(tcpInfo);
        } catch (RuntimeException e) {
            return lastProgress;       // the socket went away under us
        }
        long ms = Math.max(tcpInfo.lastDataSent(), tcpInfo.lastAckRecv());
        return now - TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
