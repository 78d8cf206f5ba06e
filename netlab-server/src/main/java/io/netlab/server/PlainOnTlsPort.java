package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * In front of the {@code SslHandler} of a TLS server: a connection whose first byte is not a TLS handshake record
 * ({@code 0x16}) gets one plain sentence saying that the port speaks TLS, as an HTTP 400 to an HTTP request, and is
 * closed; a TLS peer never notices this handler, which leaves after the first read.
 */
final class PlainOnTlsPort extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(PlainOnTlsPort.class);
    /** The sentence a plain client gets. */
    static final String SENTENCE = "this server speaks TLS: connect with TLS (netlab-client --tls, https://)";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || !in.isReadable() || in.getUnsignedByte(in.readerIndex()) == 0x16) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        boolean http = looksLikeHttp(in);
        ReferenceCountUtil.release(msg);
        logger.info("{} plain-text {} on a TLS port: refused", ctx.channel().remoteAddress(), http ? "HTTP request" : "client");
        String answer = http ? "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + (SENTENCE.length() + 1) + "\r\nConnection: close\r\n\r\n" + SENTENCE + "\n" : "ERROR: " + SENTENCE + "\n";
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** An upper-case method and a space: {@code GET /...}. */
    private static boolean looksLikeHttp(ByteBuf in) {
        int r = in.readerIndex();
        int i = 0;
        while (i < in.readableBytes() && i <= 16) {
            int b = in.getUnsignedByte(r + i);
            if (b == ' ') {
                return i > 0;
            }
            if (b < 'A' || b > 'Z') {
                return false;
            }
            i++;
        }
        return false;
    }
}
