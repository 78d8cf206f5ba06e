package io.netlab.client;

import io.netlab.codec.SumDecoder;
import io.netlab.codec.SumEncoder;
import io.netlab.codec.SumError;
import io.netlab.codec.SumFrame;
import io.netlab.codec.SumRequest;
import io.netlab.codec.SumReply;
import io.netlab.codec.PeerText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The "adding two numbers" client: sends a name and a number, returns the server's reply. */
public final class SumClient {
    private SumClient() {
    }

    /**
     * Sends one request and waits for the reply.
     *
     * @param server    the sum server's host and port
     * @param request   the client's name and number
     * @param timeout   the time allowed to connect, and then for the reply
     * @param transport the I/O transport
     * @return the server's reply (check its sum)
     * @throws ClientException      REMOTE when the server answers with an error (e.g. OUT_OF_RANGE), CONNECT,
     *                              PROTOCOL or INTERRUPTED otherwise
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static SumReply exchange(Endpoint server, SumRequest request, Duration timeout, Transport transport)
            throws ClientException, InterruptedException {
        return exchange(server, request, timeout, transport, null);
    }

    /**
     * Sends one request and waits for the reply, over TLS when {@code tls} is given.
     *
     * @param server    the sum server's host and port
     * @param request   the client's name and number
     * @param timeout   the time allowed to connect, and then for the reply
     * @param transport the I/O transport
     * @param tls       how to speak TLS, or {@code null} for plain TCP
     * @return the server's reply (check its sum)
     * @throws ClientException      REMOTE when the server answers with an error (e.g. OUT_OF_RANGE), CONNECT,
     *                              PROTOCOL or INTERRUPTED otherwise
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static SumReply exchange(Endpoint server, SumRequest request, Duration timeout, Transport transport,
                                    ClientTls tls) throws ClientException, InterruptedException {
        return exchange(server, request, timeout, transport, tls, Duration.ZERO);
    }

    /**
     * Sends one request and waits for the reply, over TLS when {@code tls} is given.
     *
     * @param server    the sum server's host and port
     * @param request   the client's name and number
     * @param timeout   the time allowed to connect, and then for the reply
     * @param transport the I/O transport
     * @param tls       how to speak TLS, or {@code null} for plain TCP
     * @param connectRetry how long a refused connection or a name that does not resolve is tried again before
     *                  failing (zero: not at all); see {@link FetchOptions.Builder#connectRetry(Duration)}
     * @return the server's reply (check its sum)
     * @throws ClientException      REMOTE when the server answers with an error (e.g. OUT_OF_RANGE), CONNECT,
     *                              PROTOCOL or INTERRUPTED otherwise
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static SumReply exchange(Endpoint server, SumRequest request, Duration timeout, Transport transport,
                                    ClientTls tls, Duration connectRetry) throws ClientException, InterruptedException {
        CompletableFuture<SumReply> result = new CompletableFuture<>();
        try (Connector connector = new Connector(transport, tls, connectRetry)) {
            Channel ch = connector.connect(server, timeout, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(new ReadTimeoutHandler(timeout.toMillis(), TimeUnit.MILLISECONDS));
                    c.pipeline().addLast(SumDecoder.forClient());
                    c.pipeline().addLast(SumEncoder.INSTANCE);
                    c.pipeline().addLast(new Handler(request, result, timeout));
                }
            });
            try {
                return result.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ClientException ce) {
                    throw ce;
                }
                throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(), e.getCause());
            } finally {
                ch.close().awaitUninterruptibly();
            }
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<SumFrame> {
        private final SumRequest request;
        private final CompletableFuture<SumReply> result;
        private final Duration timeout;

        Handler(SumRequest request, CompletableFuture<SumReply> result, Duration timeout) {
            this.request = request;
            this.result = result;
            this.timeout = timeout;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                            "could not send the request: " + f.cause().getMessage(), f.cause()));
                }
            });
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, SumFrame msg) {
            if (msg instanceof SumReply reply) {
                result.complete(reply);
            } else if (msg instanceof SumError error) {
                result.completeExceptionally(new ClientException(error.code(),
                        "the server refused: " + PeerText.escape(error.message()) + " [" + error.code() + ']'));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                    "the server closed the connection without answering" + DialectHints.SUM_CLOSED));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ReadTimeoutException) {
                result.completeExceptionally(new ClientException(ClientException.Kind.TIMEOUT,
                        "no answer from the server within " + timeout.toSeconds() + " s"));
            } else {
                Throwable c = cause.getCause() != null && cause instanceof io.netty.handler.codec.DecoderException
                        ? cause.getCause() : cause;
                ClientException.Kind kind = cause instanceof io.netty.handler.codec.DecoderException
                        ? ClientException.Kind.PROTOCOL : ClientException.Kind.INTERRUPTED;
                result.completeExceptionally(DialectHints.isTlsServer(c.getMessage())
                        ? new ClientException(ClientException.Kind.PROTOCOL, DialectHints.TLS_SERVER, cause)
                        : new ClientException(kind,
                        (kind == ClientException.Kind.PROTOCOL ? "protocol error: " : "connection failed: ")
                                + (c.getMessage() != null ? c.getMessage() : c.toString())
                                + DialectHints.forSumClient(String.valueOf(c.getMessage())), cause));
            }
            ctx.close();
        }
    }
}
