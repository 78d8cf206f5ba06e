package io.netlab.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Caps the connections a server holds, in all and per client address. A connection over a cap is answered with
 * the protocol's BUSY error and closed at once; the others are not affected. Shared by all connections of a server.
 */
@Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf(ConnectionLimiter.class, "counted");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(ConnectionLimiter.class, "refused");

    private final int maxTotal;
    private final int maxPerAddress;
    private final Function<String, Object> busyMessage;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /**
     * @param maxTotal      connections held at most
     * @param maxPerAddress connections held at most from one client address
     * @param busyMessage   the protocol's error message for a refused connection, given the reason
     */
    ConnectionLimiter(int maxTotal, int maxPerAddress, Function<String, Object> busyMessage) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.busyMessage = busyMessage;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // the real client's, when a PROXY protocol header named it (this runs only once it has been read)
        InetAddress address = ((InetSocketAddress) ClientAddress.of(ctx.channel())).getAddress();
        int all = total.incrementAndGet();
        int mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        ctx.channel().attr(COUNTED).set(address);
        String refusal = null;
        if (all > maxTotal) {
            refusal = "connections: " + all + " (expected: <= " + maxTotal + "); try again later";
        } else if (mine > maxPerAddress) {
            refusal = "connections from " + address.getHostAddress() + ": " + mine + " (expected: <= " + maxPerAddress
                    + "); try again later";
        }
        if (refusal != null) {
            logger.info("{} refused: {}", ClientAddress.of(ctx.channel()), refusal);
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            // a lingering close: answer, send FIN, and read (and drop) what the client still sends until it closes
            // too, or 2 s pass; closing with its request unread would send an RST that can destroy the answer
            ctx.channel().writeAndFlush(busyMessage.apply(refusal)).addListener((ChannelFutureListener) f -> {
                if (f.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                    f.channel().eventLoop().schedule(() -> f.channel().close(), 2, TimeUnit.SECONDS);
                } else {
                    f.channel().close();
                }
            });
            return;     // the protocol handlers never see this connection
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (ctx.channel().hasAttr(REFUSED)) {
            ReferenceCountUtil.release(msg);     // a refused connection's request is never served
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            total.decrementAndGet();
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() == 0 ? null : n);
        }
        super.channelInactive(ctx);
    }

    /** Connections counted right now (for tests and metrics). */
    int connections() {
        return total.get();
    }
}
