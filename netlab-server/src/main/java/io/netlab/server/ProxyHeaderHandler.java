package io.netlab.server;

import io.netlab.codec.PeerText;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * With {@code --proxy-protocol}: holds the connection back from the handlers behind it (the limiter first) until its
 * PROXY protocol header has been read, keeps the header's source address ({@link ClientAddress}), and only then
 * tells them the connection is active, so that they count and log it by the real client address. A connection whose
 * header is malformed, or does not arrive within the request timeout, is closed with a log line.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(ProxyHeaderHandler.class);

    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    private boolean done;

    /**
     * @param timeoutNanos the time a connection has to send its header
     */
    ProxyHeaderHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // not passed on yet: the handlers behind see the connection once its client address is known
        deadline = ctx.executor().schedule(() -> {
            if (!done) {
                done = true;
                logger.info("{} refused: no PROXY protocol header within {} s: closing", ctx.channel().remoteAddress(),
                        TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            done = true;
            cancel();
            InetSocketAddress source = source(header);
            if (source != null) {
                ctx.channel().attr(ClientAddress.PROXIED).set(source);
            }
            logger.debug("{} PROXY {} header from {}", ClientAddress.of(ctx.channel()), header.protocolVersion(),
                    ctx.channel().remoteAddress());
        } finally {
            header.release();
        }
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    /** The client's address from a header, or {@code null} for a LOCAL or UNKNOWN one (the proxy's own connection). */
    static InetSocketAddress source(HAProxyMessage header) {
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null
                || (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6)) {
            return null;
        }
        try {
            // an address literal, checked by the decoder: no name lookup
            return new InetSocketAddress(InetAddress.getByName(header.sourceAddress()), header.sourcePort());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            cancel();
            logger.info("{} refused: malformed PROXY protocol header ({}): closing", ctx.channel().remoteAddress(),
                    PeerText.escape(String.valueOf(cause.getMessage())));
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // the handlers behind never saw this connection active
        if (!done) {
            done = true;
            logger.debug("{} closed before its PROXY protocol header", ctx.channel().remoteAddress());
        }
        cancel();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
