package io.netlab.server;

import io.netlab.codec.FileConstants;
import io.netlab.codec.ForeignBytes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file server's choice of dialect, once {@link DialectDetector} knows what the first bytes are:
 * <ul>
 *   <li>a netlab frame: the netlab handlers, set up as on a netlab-only server, take the bytes;</li>
 *   <li>an HTTP request line: Netty's HTTP codec and {@link HttpFileHandler} replace them;</li>
 *   <li>text: the raw lab dialect, {@link RawRequestDecoder} and {@link RawFileHandler};</li>
 *   <li>a TLS handshake, or a dialect this server does not speak: the netlab handlers when it speaks netlab (their
 *       ERROR frame names what was seen, as on a netlab-only server), else a close with nothing sent and a log
 *       line (an HTTP answer would become a raw client's file, and the reverse).</li>
 * </ul>
 */
final class FileDialects implements DialectDetector.Router {
    private static final Logger logger = LoggerFactory.getLogger(FileDialects.class);
    /** The largest HTTP request body accepted (GET and HEAD have none). */
    private static final int MAX_HTTP_CONTENT = 8192;

    private final Set<FileProtocol> protocols;
    private final FileRoot root;

    FileDialects(Set<FileProtocol> protocols, FileRoot root) {
        this.protocols = Collections.unmodifiableSet(EnumSet.copyOf(protocols));
        this.root = root;
    }

    @Override
    public boolean route(ChannelHandlerContext ctx, FirstBytes.Kind kind, ByteBuf first, boolean ended) {
        FileProtocol chosen = switch (kind) {
            case NETLAB, TLS -> FileProtocol.NETLAB;
            case HTTP -> protocols.contains(FileProtocol.HTTP) ? FileProtocol.HTTP : FileProtocol.NETLAB;
            case TEXT -> protocols.contains(FileProtocol.RAW) ? FileProtocol.RAW : FileProtocol.NETLAB;
        };
        FileProtocol asked = switch (kind) {
            case NETLAB -> FileProtocol.NETLAB;
            case HTTP -> FileProtocol.HTTP;
            case TEXT -> FileProtocol.RAW;
            case TLS -> null;
        };
        if (!protocols.contains(chosen)) {
            logger.info("{} sent {}: this server speaks {}{}: closing without an answer", ClientAddress.of(ctx.channel()),
                    described(first), protocols, asked == null ? "" : " (add " + asked + " to --protocols to serve it)");
            ctx.close();
            return false;
        }
        if (asked != chosen) {
            logger.info("{} sent {}: this server speaks {}{}: netlab answers", ClientAddress.of(ctx.channel()),
                    described(first), protocols, asked == null ? "" : " (add " + asked + " to --protocols to serve it)");
        }
        logger.debug("{} speaks {} ({})", ctx.channel(), chosen, kind);
        ChannelPipeline p = ctx.pipeline();
        // the request timeout runs on from the connection's start; only its answer is the dialect's
        RequestTimeoutHandler requestTimeout = p.get(RequestTimeoutHandler.class);
        switch (chosen) {
            case NETLAB -> {
                if (!ended) {
                    // as on a netlab-only server: the peer's FIN closes the connection
                    ((SocketChannelConfig) ctx.channel().config()).setAllowHalfClosure(false);
                }
            }
            case RAW -> {
                removeNetlab(p);
                // the decoder goes where the netlab decoder was, in front of the backpressure handler
                p.addBefore(decoderPlace(p), PipelineNames.RAW_DECODER,
                        new RawRequestDecoder(FileConstants.MAX_PATH_LENGTH, ended));
                p.addLast(PipelineNames.RAW_HANDLER, new RawFileHandler(root));
                if (requestTimeout != null) {
                    requestTimeout.answerWith(time -> null);      // no error channel: a close with nothing sent
                }
            }
            case HTTP -> {
                removeNetlab(p);
                p.addBefore(decoderPlace(p), PipelineNames.HTTP_CODEC, new HttpServerCodec());
                p.addBefore(decoderPlace(p), PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_CONTENT));
                p.addLast(PipelineNames.HTTP_HANDLER, new HttpFileHandler(root));
                if (requestTimeout != null) {
                    requestTimeout.answerWith(HttpFileHandler::requestTimeout);
                }
            }
        }
        return true;
    }

    /** The handler a dialect's decoder goes in front of: the backpressure handler (the chunked writer without it). */
    private static String decoderPlace(ChannelPipeline p) {
        return p.get(PipelineNames.BACKPRESSURE) != null ? PipelineNames.BACKPRESSURE : PipelineNames.CHUNKED_WRITER;
    }

    /** What the first bytes likely are, and the bytes themselves, for a log line. */
    static String described(ByteBuf first) {
        String guess = ForeignBytes.likelyRequest(first);
        return (guess == null ? "unknown bytes" : guess) + ' ' + ForeignBytes.show(first);
    }

    private static void removeNetlab(ChannelPipeline p) {
        for (String name : new String[] {PipelineNames.FRAME_DECODER, PipelineNames.FRAME_ENCODER,
            PipelineNames.FILE_HANDLER}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
