package io.netlab.client;

import io.netlab.codec.FileError;
import io.netlab.codec.ForeignBytes;
import io.netlab.codec.PeerText;
import io.netlab.codec.SumReply;
import io.netlab.codec.SumRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "adding two numbers" client in the text dialect students' servers speak: sends {@code NAME,NUMBER} and a
 * newline, and reads one line {@code SERVER NAME,SERVER NUMBER} (a comma, a tab or spaces before the number) up to
 * a newline or the server's close. The dialect carries no sum, so the sum of the reply is computed here; it has no
 * error form either, so a server that closes without a line (out of range, an unreadable request) is reported as
 * such.
 */
public final class SumTextClient {
    /** The longest answer line accepted. */
    static final int MAX_ANSWER = 4096;
    private static final Pattern ANSWER = Pattern.compile("^\\s*(.*?)\\s*[,\\t ]\\s*([+-]?\\d{1,10})\\s*$");

    private SumTextClient() {
    }

    /**
     * Sends one request as text and waits for the server's line.
     *
     * @param server    the sum server
     * @param request   the name and number to send
     * @param timeout   the connect and answer timeout
     * @param transport the I/O transport
     * @return the server's name and number, and their sum with the request's number, computed here
     * @throws ClientException LOCAL for a name with a line break, CONNECT, INTERRUPTED when the server closes without
     *                         a line, PROTOCOL when its answer is not {@code NAME,NUMBER} (with what it looks like)
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static SumReply exchange(Endpoint server, SumRequest request, Duration timeout, Transport transport)
            throws ClientException, InterruptedException {
        return exchange(server, request, timeout, transport, null);
    }

    /**
     * Sends one request as text and waits for the server's line.
     *
     * @param server    the sum server
     * @param request   the name and number to send
     * @param timeout   the connect and answer timeout
     * @param transport the I/O transport
     * @param tls       how to speak TLS, or {@code null} for plain TCP
     * @return the server's name and number, and their sum with the request's number, computed here
     * @throws ClientException LOCAL for a name with a line break, CONNECT, INTERRUPTED when the server closes without
     *                         a line, PROTOCOL when its answer is not {@code NAME,NUMBER} (with what it looks like)
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static SumReply exchange(Endpoint server, SumRequest request, Duration timeout, Transport transport,
                                    ClientTls tls) throws ClientException, InterruptedException {
        return exchange(server, request, timeout, transport, tls, Duration.ZERO);
    }

    /**
     * Sends one request as text and waits for the server's line.
     *
     * @param server    the sum server
     * @param request   the name and number to send
     * @param timeout   the connect and answer timeout
     * @param transport the I/O transport
     * @param tls       how to speak TLS, or {@code null} for plain TCP
     * @param connectRetry how long a refused connection or a name that does not resolve is tried again before
     *                  failing (zero: not at all); see {@link FetchOptions.Builder#connectRetry(Duration)}
     * @return the server's name and number, and their sum with the request's number, computed here
     * @throws ClientException LOCAL for a name with a line break, CONNECT, INTERRUPTED when the server closes without
     *                         a line, PROTOCOL when its answer is not {@code NAME,NUMBER} (with what it looks like)
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static SumReply exchange(Endpoint server, SumRequest request, Duration timeout, Transport transport,
                                    ClientTls tls, Duration connectRetry) throws ClientException, InterruptedException {
        if (request.name().indexOf('\n') >= 0 || request.name().indexOf('\r') >= 0) {
            throw new ClientException(ClientException.Kind.LOCAL, "name: contains a line break (expected: one line)");
        }
        CompletableFuture<String> line = new CompletableFuture<>();
        try (Connector connector = new Connector(transport, tls, connectRetry)) {
            Channel ch = connector.connect(server, timeout, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(new ReadTimeoutHandler(timeout.toMillis(), TimeUnit.MILLISECONDS));
                    c.pipeline().addLast(new LineHandler(request, line, timeout));
                }
            });
            String answer;
            try {
                answer = line.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ClientException ce) {
                    throw ce;
                }
                throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(), e.getCause());
            } finally {
                ch.close().awaitUninterruptibly();
            }
            Matcher m = ANSWER.matcher(answer);
            int number;
            try {
                number = m.matches() ? Integer.parseInt(m.group(2).replace("+", "")) : 0;
            } catch (NumberFormatException e) {
                number = 0;
                m = ANSWER.matcher("");
            }
            if (!m.matches()) {
                throw new ClientException(ClientException.Kind.PROTOCOL, "the server's answer `" + PeerText.escape(answer)
                        + "` is not NAME,NUMBER");
            }
            return new SumReply(m.group(1), number, (long) request.value() + number);
        }
    }

    /** Sends the line, then gathers the answer up to its newline or the close. */
    private static final class LineHandler extends ChannelInboundHandlerAdapter {
        private final SumRequest request;
        private final CompletableFuture<String> result;
        private final Duration timeout;
        private final ByteBuf answer = Unpooled.buffer(256);

        LineHandler(SumRequest request, CompletableFuture<String> result, Duration timeout) {
            this.request = request;
            this.result = result;
            this.timeout = timeout;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            String line = request.name() + ',' + request.value() + '\n';
            ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), line)).addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                            "could not send the request: " + f.cause().getMessage(), f.cause()));
                }
            });
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (!result.isDone()) {
                    answer.writeBytes(buf, Math.min(buf.readableBytes(), MAX_ANSWER - answer.readableBytes()));
                    int lf = answer.indexOf(answer.readerIndex(), answer.writerIndex(), (byte) '\n');
                    if (lf >= 0 || answer.readableBytes() >= MAX_ANSWER) {
                        finish(ctx, lf >= 0 ? lf : answer.writerIndex());
                    }
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!result.isDone()) {
                if (answer.isReadable()) {
                    finish(ctx, answer.writerIndex());
                } else {
                    result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                            "the server closed the connection without answering (a lab-style server does that when "
                                    + "the number is out of range or it cannot read the line)"));
                }
            }
            answer.release();
            super.channelInactive(ctx);
        }

        private void finish(ChannelHandlerContext ctx, int end) {
            String foreign = foreign();
            if (foreign != null) {
                result.completeExceptionally(new ClientException(ClientException.Kind.PROTOCOL, foreign));
            } else {
                int e = end > answer.readerIndex() && answer.getByte(end - 1) == '\r' ? end - 1 : end;
                try {
                    result.complete(StandardCharsets.UTF_8.newDecoder()
                            .decode(answer.nioBuffer(answer.readerIndex(), e - answer.readerIndex())).toString());
                } catch (CharacterCodingException ex) {
                    result.completeExceptionally(new ClientException(ClientException.Kind.PROTOCOL,
                            "the server's answer is not UTF-8 text: " + ForeignBytes.show(answer)));
                }
            }
            ctx.close();
        }

        /** What the answer is when it is a netlab frame (the server speaks netlab), or null. */
        private String foreign() {
            if (DialectHints.isTlsServer(answer.toString(answer.readerIndex(), Math.min(answer.readableBytes(), 64),
                    java.nio.charset.StandardCharsets.US_ASCII))) {
                return DialectHints.TLS_SERVER;
            }
            FileError error = ForeignBytes.errorFrame(answer);
            if (error != null) {
                return "the server answered with a netlab ERROR frame: " + PeerText.escape(error.message()) + " ["
                        + error.code() + "]: it is a netlab sum server; run netlab-client sum without --text";
            }
            String guess = ForeignBytes.likelyAnswer(answer);
            if (guess != null && guess.startsWith("a netlab")) {
                return "the server answered with " + guess + ": " + ForeignBytes.show(answer)
                        + "; run netlab-client sum without --text";
            }
            return null;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ReadTimeoutException) {
                result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                        "no answer from the server within " + timeout.toSeconds() + " s"));
            } else {
                result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                        "connection failed: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()),
                        cause));
            }
            ctx.close();
        }
    }
}
