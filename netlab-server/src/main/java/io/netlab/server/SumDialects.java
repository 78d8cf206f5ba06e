package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannelConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sum server's choice of dialect, once {@link DialectDetector} knows what the first bytes are: text (a
 * {@code NAME,NUMBER} line) replaces the netlab frame codec with {@link SumTextDecoder} and {@link SumTextEncoder},
 * in front of the same {@link SumServerHandler} (and of the backpressure handler, which stays where the netlab decoder
 * was); anything else stays with netlab, whose decoder answers what it cannot read with an ERROR frame that names it.
 * The request timeout needs no change: the text encoder writes its TIMEOUT error as nothing, a close without a reply.
 */
final class SumDialects implements DialectDetector.Router {
    private static final Logger logger = LoggerFactory.getLogger(SumDialects.class);
    static final SumDialects INSTANCE = new SumDialects();

    private SumDialects() {
    }

    @Override
    public boolean route(ChannelHandlerContext ctx, FirstBytes.Kind kind, ByteBuf first, boolean ended) {
        ChannelPipeline p = ctx.pipeline();
        if (kind != FirstBytes.Kind.TEXT) {
            logger.debug("{} speaks netlab ({})", ctx.channel(), kind);
            if (!ended) {
                ((SocketChannelConfig) ctx.channel().config()).setAllowHalfClosure(false);   // as a netlab-only server
            }
            return true;
        }
        logger.debug("{} speaks the text dialect", ctx.channel());
        p.replace(PipelineNames.FRAME_DECODER, PipelineNames.TEXT_DECODER, new SumTextDecoder(ended));
        p.replace(PipelineNames.FRAME_ENCODER, PipelineNames.TEXT_ENCODER, SumTextEncoder.INSTANCE);
        p.addLast(PipelineNames.HALF_CLOSE, CloseOnInputShutdown.INSTANCE);
        return true;
    }
}
