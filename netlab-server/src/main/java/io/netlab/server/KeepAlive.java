package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileFrameDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;

import java.util.EnumSet;
import java.util.Set;

/**
 * Several requests per connection on the netlab file service (docs/protocol.md, "Several requests per
 * connection"): which answers keep the connection, and how the pipeline is made ready for the next request after
 * an answer, during which the frame decoder and the backpressure handler were out of it (any byte then closed the
 * connection). The next request is timed from its first byte; the idle timeout governs the wait for it.
 */
final class KeepAlive {
    /** The refusals of a well-formed request that leave nothing half done: the connection stays. */
    private static final Set<ErrorCode> KEEPING = EnumSet.of(ErrorCode.NOT_FOUND, ErrorCode.ACCESS_DENIED,
            ErrorCode.NOT_A_FILE, ErrorCode.OUT_OF_RANGE, ErrorCode.ALREADY_EXISTS, ErrorCode.TOO_LARGE);

    /**
     * The user event {@link RunningServer#close()} sends every connection when it stops: a connection waiting for
     * a later request closes at once, one in the middle of an answer closes after it.
     */
    static final Object STOPPING = new Object() {
        @Override
        public String toString() {
            return "STOPPING";
        }
    };

    private KeepAlive() {
    }

    /**
     * Whether a refusal with this code, sent before any part of an answer, keeps the connection. (A TOO_LARGE
     * that ends a listing midway is not such a refusal: the connection closes after it.)
     */
    static boolean keeps(ErrorCode code) {
        return KEEPING.contains(code);
    }

    /**
     * From now on, until {@link #awaitNext}, every byte is a protocol error, seen at once: the frame decoder and the
     * backpressure handler leave the pipeline (what the decoder still holds goes on, undecoded, to the handlers
     * behind it, which close the connection on it).
     */
    static void acceptNothingMore(ChannelHandlerContext ctx) {
        for (String name : new String[] {PipelineNames.BACKPRESSURE, PipelineNames.FRAME_DECODER}) {
            if (ctx.pipeline().get(name) != null) {
                ctx.pipeline().remove(name);
            }
        }
    }

    /**
     * Puts the frame decoder and the backpressure handler back in front of the handler at {@code ctx} (where they
     * were: before the frame encoder), and times the next request from its first byte.
     */
    static void awaitNext(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        RequestTimeoutHandler timeout = p.get(RequestTimeoutHandler.class);
        if (p.get(PipelineNames.FRAME_DECODER) == null) {
            String before = p.get(PipelineNames.FRAME_ENCODER) != null ? PipelineNames.FRAME_ENCODER : ctx.name();
            p.addBefore(before, PipelineNames.FRAME_DECODER, FileFrameDecoder.forServer());
        }
        if (timeout != null) {
            if (p.get(PipelineNames.BACKPRESSURE) == null) {
                p.addAfter(PipelineNames.FRAME_DECODER, PipelineNames.BACKPRESSURE, new BackpressureHandler(timeout));
            }
            timeout.expectAnother();
        }
    }
}
