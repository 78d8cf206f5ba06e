package io.netlab.client;

import io.netlab.codec.FileFrame;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.ListEnd;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close that the event loop handles between run()'s isActive check and the request handler's add (found in
 * review): the session must connect again, never hang. Bounded: each request waits at most 5 s, the test 300 s.
 */
class FileSessionRaceTest {
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void anOldServerThatClosesAfterEachAnswerNeverHangsTheSession() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(FileFrameDecoder.forServer(), FileFrameEncoder.INSTANCE,
                                    new SimpleChannelInboundHandler<FileFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FileFrame req) {
                                            // one answer, then close (a server that predates keep-alive)
                                            ctx.writeAndFlush(new ListEnd(0)).addListener(f -> ctx.executor().schedule(() -> { ctx.close(); },
                                                    ThreadLocalRandom.current().nextLong(0, 400), TimeUnit.MICROSECONDS));
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            int hangs = 0;
            int failures = 0;
            for (int round = 0; round < 200 && hangs == 0; round++) {
                FileSession session = FileSession.open(new Endpoint("127.0.0.1", port, null), FetchOptions.defaults());
                try {
                    for (int i = 0; i < 50; i++) {
                        Future<?> f = caller.submit(() -> session.list("", false));
                        try {
                            f.get(5, TimeUnit.SECONDS);
                        } catch (TimeoutException hung) {
                            hangs++;
                            f.cancel(true);
                            break;
                        } catch (ExecutionException e) {
                            failures++;
                        }
                    }
                } finally {
                    session.close();
                }
            }
            assertThat(hangs).as("requests that hung").isZero();
            assertThat(failures).as("requests that failed").isZero();
            server.close().sync();
        } finally {
            caller.shutdownNow();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }


    /**
     * The same race made certain: between run()'s look at the connection and the hand-off of the request, the
     * connection closes and the event loop handles the close (the pipeline is torn down). The request must go out
     * on a new connection, not wait forever.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCloseHandledBeforeTheRequestIsHandedOffConnectsAgain() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(FileFrameDecoder.forServer(), FileFrameEncoder.INSTANCE,
                                    new SimpleChannelInboundHandler<FileFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FileFrame req) {
                                            ctx.writeAndFlush(new ListEnd(0));     // keeps the connection
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (FileSession session = FileSession.open(new Endpoint("127.0.0.1", port, null), FetchOptions.defaults())) {
                assertThat(session.list("", false)).isEmpty();
                session.afterActiveCheck = () -> {
                    Channel ch = session.channel();
                    ch.close().syncUninterruptibly();
                    // the close's inactive and deregister events are queued behind it: let them run first
                    ch.eventLoop().submit(() -> { }).syncUninterruptibly();
                    ch.eventLoop().submit(() -> { }).syncUninterruptibly();
                    session.afterActiveCheck = () -> { };
                };
                Future<?> f = caller.submit(() -> session.list("", false));
                try {
                    f.get(20, TimeUnit.SECONDS);
                } catch (TimeoutException hung) {
                    f.cancel(true);
                    throw new AssertionError("the request hung after a close handled before its hand-off", hung);
                }
                assertThat(session.connections()).as("connections opened").isEqualTo(2);
            }
            server.close().sync();
        } finally {
            caller.shutdownNow();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
