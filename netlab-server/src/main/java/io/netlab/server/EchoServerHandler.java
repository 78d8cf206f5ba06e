package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The lab's example service: answers every line with the same line uppercased. Bytes that are not UTF-8 are
 * answered as {@code \xNN} escapes, which are not uppercased: in an answer, a lower-case {@code \x} is always an
 * escape (the client's own text {@code \xab} comes back as {@code \XAB}).
 */
@Sharable
final class EchoServerHandler extends SimpleChannelInboundHandler<ByteBuf> {
    static final EchoServerHandler INSTANCE = new EchoServerHandler();
    private static final Logger logger = LoggerFactory.getLogger(EchoServerHandler.class);

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.info("{} connected", ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
        ctx.write(answer(line) + "\n");
    }

    /** The line's text in upper case ({@link Locale#ROOT}), with each byte that is not UTF-8 as {@code \xNN}. */
    static String answer(ByteBuf line) {
        ByteBuffer in = line.nioBuffer();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer text = CharBuffer.allocate(in.remaining());      // never more chars than UTF-8 bytes
        StringBuilder answer = new StringBuilder(in.remaining() + 16);
        for (;;) {
            CoderResult r = decoder.decode(in, text, true);
            text.flip();
            answer.append(text.toString().toUpperCase(Locale.ROOT));   // the text before the bad bytes
            text.clear();
            if (!r.isError()) {
                return answer.toString();            // underflow: all read (overflow cannot happen)
            }
            for (int i = 0; i < r.length(); i++) {      // the decoder left them unread
                int b = in.get() & 0xFF;
                answer.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        ctx.flush();       // one flush for every answer to what one read brought
        super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            logger.info("{} sent a line over {} bytes: closing", ctx.channel().remoteAddress(),
                    EchoServer.MAX_LINE);
            ctx.writeAndFlush("ERROR: line longer than " + EchoServer.MAX_LINE + " bytes\n")
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
