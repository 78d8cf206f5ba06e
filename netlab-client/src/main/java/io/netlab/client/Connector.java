package io.netlab.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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

/** Owns a one-thread event loop and connects to a server, turning every connect failure into one clear line. */
final class Connector implements AutoCloseable {
    /** The name of the client's {@code SslHandler}, first in the pipeline. */
    static final String SSL = "tls";

    private final EventLoopGroup group;
    private final Transport transport;
    private final ClientTls tls;

    Connector(Transport transport) {
        this(transport, null);
    }

    /** With {@code tls} ({@code null}: plain TCP), every connection starts with an {@code SslHandler}. */
    Connector(Transport transport, ClientTls tls) {
        this.transport = transport.resolve();
        this.tls = tls;
        this.group = this.transport.newGroup();
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
                .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 256 * 1024, 2 * 1024 * 1024))
                .handler(tls == null ? initializer : new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(SSL, tls.newHandler(ch.alloc(), endpoint,
                                Math.max(connectTimeout.toMillis(), 1000)));
                        ch.pipeline().addLast(initializer);
                    }
                });
        ChannelFuture f = b.connect(endpoint.host(), endpoint.port()).await();
        if (f.isSuccess()) {
            return tls == null ? f.channel() : handshake(f.channel(), endpoint);
        }
        Throwable c = f.cause();
        String where = endpoint.authority();
        if (c instanceof UnknownHostException) {
            throw new ClientException(ClientException.Kind.CONNECT, "unknown host: " + endpoint.host(), c);
        }
        if (c instanceof ConnectTimeoutException) {
            throw new ClientException(ClientException.Kind.TIMEOUT, "connection to " + where + " timed out after "
                    + connectTimeout.toSeconds() + " s", c);
        }
        if (c instanceof NoRouteToHostException) {
            throw new ClientException(ClientException.Kind.CONNECT, "no route to host: " + where, c);
        }
        if (c instanceof ConnectException && String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
            throw new ClientException(ClientException.Kind.CONNECT,
                    "connection refused: " + where + " (is the server running on that port?)", c);
        }
        throw new ClientException(ClientException.Kind.CONNECT, "cannot connect to " + where + ": " + c.getMessage(), c);
    }

    /** Waits for the TLS handshake; a failure becomes one line that says why. */
    private static Channel handshake(Channel ch, Endpoint endpoint) throws ClientException, InterruptedException {
        Future<Channel> done = ((SslHandler) ch.pipeline().get(SSL)).handshakeFuture().await();
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
