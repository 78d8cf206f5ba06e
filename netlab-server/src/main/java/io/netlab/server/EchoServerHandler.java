package io.netlab.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The lab's example service: answers every piece of text that {@link EchoTextDecoder} cuts (a line with its
 * {@code "\n"}, or text that ended with a pause or a half-close) with the same text uppercased, in one write. Bytes
 * that are not UTF-8 are answered as {@code \xNN} escapes, which are not uppercased: in an answer, a lower-case
 * {@code \x} is always an escape (the client's own text {@code \xab} comes back as {@code \XAB}).
 */
@Sharable
final class EchoServerHandler extends SimpleChannelInboundHandler<String> {
    static final EchoServerHandler INSTANCE = new EchoServerHandler();
    private static final Logger logger = LoggerFactory.getLogger(EchoServerHandler.class);

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.info("{} connected", ClientAddress.of(ctx.channel()));
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String text) {
        ctx.write(answer(text));
    }

    /**
     * The text in upper case ({@link Locale#ROOT}), with each byte that was not UTF-8 (a lone surrogate
     * {@code U+DC80..U+DCFF} from {@link EchoTextDecoder#text}) as {@code \xNN}, after the upper-casing.
     */
    static String answer(String text) {
        String upper = text.toUpperCase(Locale.ROOT);      // lone surrogates have no case: they stay as they are
        StringBuilder answer = null;
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF && !(i > 0 && Character.isHighSurrogate(upper.charAt(i - 1)))) {
                if (answer == null) {
                    answer = new StringBuilder(upper.length() + 16).append(upper, 0, i);
                }
                int b = c & 0xFF;
                answer.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            } else if (answer != null) {
                answer.append(c);
            }
        }
        return answer == null ? upper : answer.toString();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        ctx.flush();       // one flush for every answer to what one read (or one pause) brought
        super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            logger.info("{} sent a line over {} bytes: closing", ClientAddress.of(ctx.channel()),
                    EchoServer.MAX_LINE);
            ctx.writeAndFlush("ERROR: line longer than " + EchoServer.MAX_LINE + " bytes\n")
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
