package io.netlab.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Owns a one-thread event loop and connects to a server, turning every connect failure into one clear line. With a
 * connect retry, a refused connection or a name that does not resolve (yet) is tried again, with a backoff from
 * {@value #FIRST_BACKOFF_MILLIS} ms doubling up to {@value #MAX_BACKOFF_MILLIS} ms, until the retry time is spent:
 * a server (or its container) that is still starting is waited for.
 */
final class Connector implements AutoCloseable {
    /** The name of the client's {@code SslHandler}, first in the pipeline. */
    static final String SSL = "tls";
    /** The first pause between two connection attempts. */
    static final long FIRST_BACKOFF_MILLIS = 100;
    /** The longest pause between two connection attempts. */
    static final long MAX_BACKOFF_MILLIS = 1000;

    private final EventLoopGroup group;
    private final Transport transport;
    private final ClientTls tls;
    private final Duration connectRetry;

    Connector(Transport transport) {
        this(transport, null);
    }

    /** With {@code tls} ({@code null}: plain TCP), every connection starts with an {@code SslHandler}. */
    Connector(Transport transport, ClientTls tls) {
        this(transport, tls, Duration.ZERO);
    }

    /**
     * With {@code tls} ({@code null}: plain TCP), every connection starts with an {@code SslHandler}; a refused
     * connection or an unknown host is tried again for {@code connectRetry} (zero: never).
     */
    Connector(Transport transport, ClientTls tls, Duration connectRetry) {
        this.connectRetry = checkConnectRetry(connectRetry);
        this.transport = transport.resolve();
        this.tls = tls;
        this.group = this.transport.newGroup();
    }

    /**
     * Checks a connect retry time.
     *
     * @param retry zero (no retry) or positive
     * @return {@code retry}
     * @throws IllegalArgumentException {@code "connectRetry: PT-1S (expected: >= 0)"}
     */
    static Duration checkConnectRetry(Duration retry) {
        java.util.Objects.requireNonNull(retry, "connectRetry");
        if (retry.isNegative()) {
            throw new IllegalArgumentException("connectRetry: " + retry + " (expected: >= 0)");
        }
        return retry;
    }

    Channel connect(Endpoint endpoint, Duration connectTimeout, ChannelInitializer<SocketChannel> initializer)
            throws ClientException, InterruptedException {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                // big reads: a bulk transfer is read in up to 2 MiB per system call instead of Netty's default 64 KiB
                // (4 MiB measured no faster and held more memory: docs/performance.md, Memory of the client)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 256 * 1024, 2 * 1024 * 1024));
        long start = System.nanoTime();
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            // a fresh gate per attempt: the caller's handlers join the pipeline only once the connection is made,
            // so that a refused attempt (retried) never uses up a handler that is not @Sharable
            Gate gate = new Gate(endpoint, connectTimeout, initializer);
            b.handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(gate);
                }
            });
            ChannelFuture f = b.connect(endpoint.host(), endpoint.port()).await();
            if (f.isSuccess()) {
                // the connect future completes just before the channel-active event: wait until the gate has put
                // the caller's handlers in place and passed the event on to them
                try {
                    gate.opened.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw failure(endpoint, connectTimeout, e.getCause(), "");
                }
                return tls == null ? f.channel() : handshake(f.channel(), gate.handshake, endpoint);
            }
            Throwable c = f.cause();
            if (connectRetry.isZero() || !worthRetrying(c)) {
                throw failure(endpoint, connectTimeout, c, "");
            }
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(connectRetry.toNanos() - (System.nanoTime() - start));
            if (leftMillis <= 0) {
                throw failure(endpoint, connectTimeout, c, "; tried for "
                        + Units.fixed((System.nanoTime() - start) / 1e9, 1) + " s (" + attempt + " attempts)");
            }
            Thread.sleep(Math.min(backoff, leftMillis));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /** {@return whether {@code c} may go away by itself: the server is not listening yet, or its name is not known yet} */
    static boolean worthRetrying(Throwable c) {
        return c instanceof UnknownHostException || refused(c);
    }

    private static boolean refused(Throwable c) {
        return c instanceof ConnectException && String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused");
    }

    /** The one line for a connect failure {@code c}, with {@code retried} (empty, or how long it was tried) added. */
    private static ClientException failure(Endpoint endpoint, Duration connectTimeout, Throwable c, String retried) {
        String where = endpoint.authority();
        if (c instanceof UnknownHostException) {
            return new ClientException(ClientException.Kind.CONNECT, "unknown host: " + endpoint.host() + retried, c);
        }
        if (c instanceof ConnectTimeoutException) {
            return new ClientException(ClientException.Kind.TIMEOUT, "connection to " + where + " timed out after "
                    + connectTimeout.toSeconds() + " s" + retried, c);
        }
        if (c instanceof NoRouteToHostException) {
            return new ClientException(ClientException.Kind.CONNECT, "no route to host: " + where + retried, c);
        }
        if (refused(c)) {
            return new ClientException(ClientException.Kind.CONNECT,
                    "connection refused: " + where + " (is the server running on that port?)" + retried, c);
        }
        return new ClientException(ClientException.Kind.CONNECT, "cannot connect to " + where + ": " + c.getMessage() + retried, c);
    }

    /**
     * The only handler of a channel until it is connected: then it puts the {@code SslHandler} (with TLS) and the
     * caller's initializer in its place, before the channel-active event goes on to them.
     */
    private final class Gate extends ChannelInboundHandlerAdapter {
        private final Endpoint endpoint;
        private final Duration connectTimeout;
        private final ChannelInitializer<SocketChannel> initializer;
        /** Completed once the channel-active event has gone on to the caller's handlers (failed if it never came). */
        final java.util.concurrent.CompletableFuture<Void> opened = new java.util.concurrent.CompletableFuture<>();
        /**
         * With TLS, the handshake's future, kept here: a handshake refused at once closes the channel, and its
         * pipeline may be torn down before the caller could look the handler up.
         */
        volatile Future<Channel> handshake;

        Gate(Endpoint endpoint, Duration connectTimeout, ChannelInitializer<SocketChannel> initializer) {
            this.endpoint = endpoint;
            this.connectTimeout = connectTimeout;
            this.initializer = initializer;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ChannelPipeline p = ctx.pipeline();
            if (tls != null) {
                SslHandler ssl = tls.newHandler(ctx.alloc(), endpoint, Math.max(connectTimeout.toMillis(), 1000));
                handshake = ssl.handshakeFuture();
                p.addLast(SSL, ssl);
            }
            p.addLast(initializer);
            p.remove(this);
            try {
                ctx.fireChannelActive();
            } finally {
                opened.complete(null);
            }
        }

        @Override
        public void channelUnregistered(ChannelHandlerContext ctx) {
            opened.completeExceptionally(new ConnectException("the connection closed as it was made"));
            ctx.fireChannelUnregistered();
        }
    }

    /** Waits for the TLS handshake; a failure becomes one line that says why. */
    private static Channel handshake(Channel ch, Future<Channel> handshake, Endpoint endpoint)
            throws ClientException, InterruptedException {
        Future<Channel> done = handshake.await();
        if (done.isSuccess()) {
            return ch;
        }
        ch.close();
        if (done.cause() instanceof javax.net.ssl.SSLException && String.valueOf(done.cause().getMessage())
                .contains("handshake timed out")) {
            throw new ClientException(ClientException.Kind.TIMEOUT, "TLS handshake with " + endpoint.authority()
                    + " timed out: does the server speak TLS? (try without --tls)", done.cause());
        }
        throw ClientTls.handshakeFailed(endpoint.authority(), done.cause());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(5000);
    }
}
