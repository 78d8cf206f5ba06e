package io.netlab.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;

import io.netlab.codec.PeerText;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lab's example client: sends lines to the echo server and returns its (uppercased) answers; a refusal from
 * the server ({@code ERROR: line longer than 8192 bytes}) is a {@link ClientException}.
 */
public final class EchoClient implements AutoCloseable {
    private static final Object CLOSED = new Object();
    private static final String REFUSAL = "ERROR: ";

    private final Connector connector;
    private final Channel channel;
    private final BlockingQueue<Object> replies;
    private final Duration timeout;

    private EchoClient(Connector connector, Channel channel, BlockingQueue<Object> replies, Duration timeout) {
        this.connector = connector;
        this.channel = channel;
        this.replies = replies;
        this.timeout = timeout;
    }

    /**
     * Connects to an echo server.
     *
     * @param server    the server's host and port
     * @param timeout   the time allowed to connect, and then for each answer
     * @param transport the I/O transport
     * @return a connected client, to be closed
     * @throws ClientException      when the server cannot be reached
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static EchoClient connect(Endpoint server, Duration timeout, Transport transport)
            throws ClientException, InterruptedException {
        Connector connector = new Connector(transport);
        BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
        try {
            Channel ch = connector.connect(server, timeout, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(new LineBasedFrameDecoder(1024 * 1024));
                    c.pipeline().addLast(new StringDecoder(StandardCharsets.UTF_8));
                    c.pipeline().addLast(new StringEncoder(StandardCharsets.UTF_8));
                    c.pipeline().addLast(new SimpleChannelInboundHandler<String>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, String line) {
                            replies.add(line);
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            replies.add(CLOSED);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            replies.add(cause);
                            ctx.close();
                        }
                    });
                }
            });
            return new EchoClient(connector, ch, replies, timeout);
        } catch (ClientException | InterruptedException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    /**
     * Sends one line and waits for the answer, as the server sent it (escape it with {@code PeerText.escape} before
     * printing it).
     *
     * @param line the text to send, without a line break
     * @return the server's answer, without its line break
     * @throws IllegalArgumentException when {@code line} holds a line break: send each line on its own
     * @throws ClientException          when the server refuses the line ({@code ERROR: ...}, then it closes the
     *                                  connection), closes the connection, or does not answer in time
     * @throws InterruptedException     when the calling thread is interrupted
     */
    public String send(String line) throws ClientException, InterruptedException {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("line: contains a line break (expected: one line; send each on its own)");
        }
        channel.writeAndFlush(line + "\n");
        Object reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply == null) {
            throw new ClientException(ClientException.Kind.TIMEOUT,
                    "no answer from the server within " + timeout.toSeconds() + " s");
        }
        if (reply == CLOSED) {
            throw new ClientException(ClientException.Kind.INTERRUPTED, "the server closed the connection");
        }
        if (reply instanceof Throwable t) {
            throw new ClientException(ClientException.Kind.PROTOCOL, "connection failed: " + t.getMessage(), t);
        }
        String answer = (String) reply;
        if (answer.startsWith(REFUSAL) && !answer.equals(expected(line))) {
            throw new ClientException(ClientException.Kind.REMOTE,
                    "the server refused: " + PeerText.escape(answer.substring(REFUSAL.length())));
        }
        return answer;
    }

    /**
     * The echo of {@code line}, as docs/protocol.md says: upper case by {@code Locale.ROOT} rules, without a final
     * '\r'. An answer that starts with "ERROR: " and is not the echo is the server's refusal.
     */
    private static String expected(String line) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        return l.toUpperCase(Locale.ROOT);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        connector.close();
    }
}
