package io.netlab.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running netlab server, as {@link ServerBuilder#start()} returns it: its event loops, listening channel and open connections, and the graceful shutdown
 * that stops accepting, lets connections in progress finish within a grace period, then closes the rest.
 */
public final class RunningServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(RunningServer.class);

    /** Write buffer water marks: a sender stops at 1 MiB queued and resumes under 256 KiB. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    /**
     * Counts a file region as the bytes it sends, where Netty's default estimator counts it as nothing: otherwise
     * a sendfile transfer never makes the channel unwritable, and the chunked writer queues a header and a region
     * object for every block of the file at once (a 256 MiB file in 64 KiB blocks: 8,192 objects per stalled reader).
     */
    static final MessageSizeEstimator SIZE_ESTIMATOR = new MessageSizeEstimator() {
        @Override
        public Handle newHandle() {
            Handle other = DefaultMessageSizeEstimator.DEFAULT.newHandle();
            return msg -> msg instanceof FileRegion region ? (int) Math.min(region.count(), Integer.MAX_VALUE)
                    : other.size(msg);
        }
    };

    private final EventLoopGroup group;
    private volatile Channel serverChannel;
    private final ChannelGroup connections;
    private final ServerConfig config;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private RunningServer(EventLoopGroup group, ChannelGroup connections, ServerConfig config) {
        this.group = group;
        this.connections = connections;
        this.config = config;
    }

    /**
     * Binds a server whose connections get the pipeline {@code protocol} sets up, around the common handlers: wire
     * log, idle timeout, [PROXY header,] connection limiter and request timeout in front, backpressure right after
     * its decoder.
     *
     * @throws IOException          when the address is in use or not available
     * @throws InterruptedException when interrupted while binding
     */
    static RunningServer start(ServerConfig config, Protocols.Protocol protocol) throws IOException, InterruptedException {
        EventLoopGroup group = config.transport().newGroup(config.threads());
        ChannelGroup connections = new DefaultChannelGroup("netlab-connections", GlobalEventExecutor.INSTANCE);
        RunningServer server = new RunningServer(group, connections, config);
        LoggingHandler wireLog = config.wireLog() ? new LoggingHandler(LogLevel.INFO) : null;
        ConnectionLimiter limiter = new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerClient(),
                protocol.busy());
        long requestTimeoutNanos = config.requestTimeout().toNanos();
        ChannelHandler initializer = new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connections.add(ch);
                if (wireLog != null) {
                    ch.pipeline().addLast(PipelineNames.WIRE_LOG, wireLog);
                }
                ch.pipeline().addLast(PipelineNames.IDLE, new IdleTimeoutHandler(config.idleTimeout().toNanos()));
                protocol.pipeline().accept(ch, server);
                String beforeLimiter = PipelineNames.IDLE;
                if (config.proxyProtocol()) {
                    // the PROXY header first: the handlers behind see the connection only once it names the client
                    ch.pipeline().addAfter(PipelineNames.IDLE, PipelineNames.PROXY_DECODER, new ProxyHeaderDecoder());
                    ch.pipeline().addAfter(PipelineNames.PROXY_DECODER, PipelineNames.PROXY_HEADER,
                            new ProxyHeaderHandler(requestTimeoutNanos));
                    beforeLimiter = PipelineNames.PROXY_HEADER;
                }
                // first inbound handler to see the connection: over a cap, the protocol handlers never do
                ch.pipeline().addAfter(beforeLimiter, PipelineNames.LIMITER, limiter);
                RequestTimeoutHandler requestTimeout = new RequestTimeoutHandler(requestTimeoutNanos,
                        protocol.timeout(), protocol.oneRequest());
                ch.pipeline().addAfter(PipelineNames.LIMITER, PipelineNames.REQUEST_TIMEOUT, requestTimeout);
                ch.pipeline().addAfter(protocol.decoder(), PipelineNames.BACKPRESSURE,
                        new BackpressureHandler(requestTimeout));
                if (config.tls() != null && config.proxyProtocol()) {
                    // HAProxy sends the PROXY header in clear, before the client's TLS handshake it passes on
                    ch.pipeline().addAfter(PipelineNames.PROXY_HEADER, PipelineNames.TLS_GUARD, new PlainOnTlsPort());
                    ch.pipeline().addAfter(PipelineNames.TLS_GUARD, PipelineNames.TLS, config.tls().newHandler(ch.alloc()));
                } else if (config.tls() != null) {
                    ch.pipeline().addFirst(PipelineNames.TLS, config.tls().newHandler(ch.alloc()));
                    ch.pipeline().addFirst(PipelineNames.TLS_GUARD, new PlainOnTlsPort());
                }
            }
        };
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(config.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, SIZE_ESTIMATOR)
                .childHandler(initializer);
        InetSocketAddress address = config.bindAddress() == null
                ? new InetSocketAddress(config.port()) : new InetSocketAddress(config.bindAddress(), config.port());
        ChannelFuture bind = b.bind(address).await();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bind.cause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause.getMessage()), cause);
        }
        server.serverChannel = bind.channel();
        return server;
    }

    /** {@return the address actually bound (with the real port when 0 was asked for)} */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** {@return the transport in use ({@link Transport#AUTO} resolved)} */
    public Transport transport() {
        return config.transport();
    }

    /** {@return connections open right now} */
    public int connectionCount() {
        return connections.size();
    }

    /** The connections open right now (for tests: what each one holds). */
    Iterable<Channel> channels() {
        return connections;
    }

    /** {@return completes when the server has fully stopped} */
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    /** {@return whether a shutdown has begun} */
    public boolean isStopping() {
        return stopping.get();
    }

    /** Starts a graceful shutdown on another thread and returns at once; safe to call from an event loop. */
    void shutdownAsync() {
        Thread t = new Thread(this::close, "netlab-shutdown");
        t.setDaemon(false);
        t.start();
    }

    /**
     * Stops accepting, waits up to the grace period for open connections to finish, closes the rest and stops
     * the event loops. Idempotent; blocks until everything has stopped.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            terminated.join();
            return;
        }
        try {
            serverChannel.close().awaitUninterruptibly();
            // connections kept between two requests close now; those in the middle of an answer get the grace period
            connections.forEach(ch -> ch.pipeline().fireUserEventTriggered(KeepAlive.STOPPING));
            Duration grace = config.shutdownGrace();
            if (!connections.isEmpty()) {
                logger.info("shutting down: waiting up to {} s for {} connection(s) to finish",
                        grace.toSeconds(), connections.size());
                if (!connections.newCloseFuture().awaitUninterruptibly(grace.toMillis())) {
                    logger.info("closing {} connection(s) still open after the grace period", connections.size());
                }
            }
            connections.close().awaitUninterruptibly(5000);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
        } finally {
            terminated.complete(null);
        }
    }
}
