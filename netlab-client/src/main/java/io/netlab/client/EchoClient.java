package io.netlab.client;

import io.netlab.codec.FileError;
import io.netlab.codec.ForeignBytes;
import io.netlab.codec.PeerText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.string.StringEncoder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lab's example client: sends lines to an echo server and returns its (uppercased) answers. It speaks to
 * netlab's echo server, which answers each line and keeps the connection, and to the textbook TCPServer.py, which
 * answers once (without adding a newline) and closes: an answer cut by the close is still an answer, and the next
 * line goes out on a new connection. A refusal from the server ({@code ERROR: line longer than 8192 bytes}) is a
 * {@link ClientException}.
 */
public final class EchoClient implements AutoCloseable {
    /** The longest answer line accepted. */
    static final int MAX_ANSWER = 1024 * 1024;
    private static final Object CLOSED = new Object();
    private static final String REFUSAL = "ERROR: ";

    private final Connector connector;
    private final Endpoint server;
    private final Duration timeout;
    private Channel channel;
    private BlockingQueue<Object> replies;
    private int answered;

    private EchoClient(Connector connector, Endpoint server, Duration timeout) {
        this.connector = connector;
        this.server = server;
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
        return connect(server, timeout, transport, null);
    }

    /**
     * Connects to an echo server.
     *
     * @param server    the server's host and port
     * @param timeout   the time allowed to connect, and then for each answer
     * @param transport the I/O transport
     * @param tls       how to speak TLS, or {@code null} for plain TCP
     * @return a connected client, to be closed
     * @throws ClientException      when the server cannot be reached
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static EchoClient connect(Endpoint server, Duration timeout, Transport transport, ClientTls tls)
            throws ClientException, InterruptedException {
        return connect(server, timeout, transport, tls, Duration.ZERO);
    }

    /**
     * Connects to an echo server.
     *
     * @param server    the server's host and port
     * @param timeout   the time allowed to connect, and then for each answer
     * @param transport the I/O transport
     * @param tls       how to speak TLS, or {@code null} for plain TCP
     * @param connectRetry how long a refused connection or a name that does not resolve is tried again before
     *                  failing (zero: not at all); see {@link FetchOptions.Builder#connectRetry(Duration)}
     * @return a connected client, to be closed
     * @throws ClientException      when the server cannot be reached
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static EchoClient connect(Endpoint server, Duration timeout, Transport transport, ClientTls tls,
                                     Duration connectRetry) throws ClientException, InterruptedException {
        Connector connector = new Connector(transport, tls, connectRetry);
        try {
            EchoClient client = new EchoClient(connector, server, timeout);
            client.open();
            return client;
        } catch (ClientException | InterruptedException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    private void open() throws ClientException, InterruptedException {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        channel = connector.connect(server, timeout, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(new AnswerDecoder());
                c.pipeline().addLast(new StringEncoder(StandardCharsets.UTF_8));
                c.pipeline().addLast(new SimpleChannelInboundHandler<String>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                        queue.add(line);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        queue.add(CLOSED);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        queue.add(cause);
                        ctx.close();
                    }
                });
            }
        });
        replies = queue;
        answered = 0;
    }

    /**
     * Sends one line and waits for the answer, as the server sent it (escape it with {@code PeerText.escape} before
     * printing it). When the server closed the connection after its last answer (as the textbook server does after
     * each one), the line goes out on a new connection.
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
        if (!channel.isActive() || replies.peek() == CLOSED) {
            channel.close().awaitUninterruptibly();
            open();
        }
        Object reply = exchange(line);
        if ((reply == CLOSED || reply instanceof java.io.IOException) && answered > 0) {
            // the server answered the previous line, then closed before reading this one (a reset, when its close
            // arrives after this line went out on the old connection): one more try, afresh
            channel.close().awaitUninterruptibly();
            open();
            reply = exchange(line);
        }
        if (reply == CLOSED) {
            throw new ClientException(ClientException.Kind.INTERRUPTED,
                    "the server closed the connection without answering" + DialectHints.ECHO_CLOSED);
        }
        if (reply instanceof Throwable t) {
            throw new ClientException(ClientException.Kind.PROTOCOL, t instanceof DecoderException
                    ? t.getMessage() : "connection failed: " + t.getMessage(), t);
        }
        String answer = (String) reply;
        if (answer.startsWith(REFUSAL) && DialectHints.isTlsServer(answer) && !answer.equals(expected(line))) {
            throw new ClientException(ClientException.Kind.PROTOCOL, DialectHints.TLS_SERVER);
        }
        if (answer.startsWith(REFUSAL) && !answer.equals(expected(line))) {
            throw new ClientException(ClientException.Kind.REMOTE,
                    "the server refused: " + PeerText.escape(answer.substring(REFUSAL.length())));
        }
        answered++;
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

    private Object exchange(String line) throws ClientException, InterruptedException {
        channel.writeAndFlush(line + "\n");
        Object reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply == null) {
            throw new ClientException(ClientException.Kind.TIMEOUT,
                    "no answer from the server within " + timeout.toSeconds() + " s");
        }
        return reply;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        connector.close();
    }

    /**
     * Lines (without {@code "\r\n"}), and the bytes left when the server closes: the textbook server adds no newline.
     * An answer that starts with netlab's magic is a netlab server's, not text: it fails with what the server said.
     */
    private static final class AnswerDecoder extends ByteToMessageDecoder {
        private boolean checked;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!checked && in.readableBytes() >= 4) {
                checked = true;
                String guess = ForeignBytes.likelyAnswer(in);
                if (guess != null && guess.startsWith("a netlab")) {
                    FileError error = ForeignBytes.errorFrame(in);
                    String said = error != null ? ": " + PeerText.escape(error.message()) + " [" + error.code() + ']'
                            : " " + ForeignBytes.show(in);
                    in.skipBytes(in.readableBytes());
                    throw new DecoderException("the server answered with " + guess + said
                            + ": it is a netlab file or sum server, not an echo server");
                }
            }
            int lf;
            while ((lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
                int end = lf > in.readerIndex() && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
                out.add(in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8));
                in.readerIndex(lf + 1);
            }
            if (in.readableBytes() > MAX_ANSWER) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("answer: over " + MAX_ANSWER + " bytes without a newline");
            }
        }

        @Override
        protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            checked |= in.readableBytes() < 4;
            decode(ctx, in, out);
            if (in.isReadable()) {
                out.add(in.readCharSequence(in.readableBytes(), StandardCharsets.UTF_8).toString());
            }
        }
    }
}
