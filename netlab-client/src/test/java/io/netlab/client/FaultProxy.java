package io.netlab.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 between a client and a real server that damages the server-to-client stream on cue:
 * cut it with a FIN or an RST after N bytes, freeze it after N bytes, flip one bit at an offset, or cap its rate.
 * One connection at a time; only loopback is ever used.
 */
final class FaultProxy implements AutoCloseable {
    /** What happens to the server-to-client bytes. */
    enum Fault { FIN, RST, FREEZE, FLIP, RATE }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    /** Every relayed connection, both sides: closed and torn down in {@link #close()} before the group stops. */
    private final java.util.Set<Channel> relayed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    FaultProxy(InetSocketAddress server, Fault fault, long at, long bytesPerSecond) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        relayed.add(client);
                        if (fault == Fault.RATE) {
                            client.pipeline().addLast(new ChannelTrafficShapingHandler(bytesPerSecond, 0, 100));
                        }
                        client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                new Bootstrap().group(group).channel(NioSocketChannel.class)
                                        .handler(new Downstream(client, fault, at))
                                        .connect(server).addListener((ChannelFutureListener) f -> {
                                            if (!f.isSuccess()) {
                                                client.close();
                                                return;
                                            }
                                            relayed.add(f.channel());
                                            client.attr(Downstream.PEER).set(f.channel());
                                            client.config().setAutoRead(true);
                                        });
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                Channel peer = client.attr(Downstream.PEER).get();
                                if (peer == null || !peer.isActive()) {
                                    ReferenceCountUtil.release(msg);    // the server's side is gone (or not there yet)
                                    return;
                                }
                                peer.writeAndFlush(msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                Channel peer = client.attr(Downstream.PEER).get();
                                if (peer != null) {
                                    peer.close();
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();    // a client reset or killed mid-transfer: expected here, not logged
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Closes the listener and every relayed connection, and waits until their pipelines are torn down before the
     * event loop stops: the rate cap's queue releases what it still holds only when its handler is removed, which
     * a loop that stopped first never does (a leak reported in JarProcessIT).
     */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        for (Channel ch : relayed) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Channel ch : relayed) {
            while (ch.isRegistered() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        group.submit(() -> { }).awaitUninterruptibly(5, TimeUnit.SECONDS);   // the deregistration tasks have run
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Relays the server's bytes to the client, applying the fault. */
    private static final class Downstream extends ChannelInboundHandlerAdapter {
        static final io.netty.util.AttributeKey<Channel> PEER = io.netty.util.AttributeKey.valueOf("peer");

        private final Channel client;
        private final Fault fault;
        private final long at;
        private long seen;
        private boolean stopped;

        Downstream(Channel client, Fault fault, long at) {
            this.client = client;
            this.fault = fault;
            this.at = at;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            if (stopped || !client.isActive()) {
                // the client is gone: a write now could sit in the rate cap's queue after the handler has released
                // it (handlerRemoved), and leak (both channels share one event loop, so this check holds)
                ReferenceCountUtil.release(buf);
                return;
            }
            long start = seen;
            seen += buf.readableBytes();
            if (fault == Fault.FLIP && start <= at && at < seen) {
                int i = buf.readerIndex() + (int) (at - start);
                buf.setByte(i, buf.getByte(i) ^ 0x01);
            }
            boolean cut = (fault == Fault.FIN || fault == Fault.RST || fault == Fault.FREEZE) && seen >= at;
            if (!cut) {
                client.writeAndFlush(buf);
                return;
            }
            stopped = true;
            client.writeAndFlush(buf.retainedSlice(buf.readerIndex(), (int) (at - start)));
            buf.release();
            if (fault == Fault.FIN) {
                client.close();
                ctx.close();
            } else if (fault == Fault.RST) {
                client.config().setOption(ChannelOption.SO_LINGER, 0);   // close() now sends RST
                client.close();
                ctx.close();
            }
            // FREEZE: keep both connections open and forward nothing more
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!stopped || fault != Fault.FREEZE) {
                // after whatever is still queued (the rate cap delays writes)
                client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();        // the server reset: channelInactive passes it on to the client
        }
    }
}
