package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.SendMode;
import io.netlab.codec.SumDecoder;
import io.netlab.codec.SumEncoder;
import io.netlab.codec.SumError;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The protocol part of each server's pipeline; see {@link PipelineNames} for the order. */
final class Protocols {
    private Protocols() {
    }

    /**
     * A protocol as a server runs it: what it adds to each connection's pipeline (after the wire log, idle timeout,
     * connection limiter and request timeout), where its requests are whole, and its answers to a connection over a
     * cap and to a request that takes too long.
     *
     * @param pipeline   adds the protocol's handlers; receives the server so that a handler may shut it down
     * @param decoder    the name of the handler after which messages are whole requests (the backpressure handler
     *                   goes right after it); on a server that speaks several dialects, the decoder of the first
     *                   one, or the {@link DialectDetector} itself, in front of which each dialect's decoder then
     *                   takes its place ({@link FileDialects}, {@link SumDialects})
     * @param oneRequest whether a connection carries one request only (then only the first one is timed)
     * @param busy       the protocol's BUSY error for a refused connection, given the reason
     * @param timeout    the protocol's TIMEOUT error, given the request timeout as text ({@code "10.0 s"}), or
     *                   {@code null} when the connection is closed without an answer; a dialect chosen later may
     *                   put its own in place ({@link RequestTimeoutHandler#answerWith})
     */
    record Protocol(BiConsumer<SocketChannel, RunningServer> pipeline, String decoder, boolean oneRequest,
                    Function<String, Object> busy, Function<String, Object> timeout) {
    }

    /**
     * File transfer: frame codec, chunked writer, file handler; with more dialects than netlab, a
     * {@link DialectDetector} in front, which replaces them for raw and HTTP peers ({@link FileDialects}).
     */
    static Protocol file(FileRoot root, int maxBlockSize, SendMode sendMode, Set<FileProtocol> protocols,
                         Uploads uploads, long maxListEntries) {
        boolean netlab = protocols.contains(FileProtocol.NETLAB);
        boolean detect = !protocols.equals(EnumSet.of(FileProtocol.NETLAB));
        return new Protocol((ch, server) -> {
            ChannelPipeline p = ch.pipeline();
            if (detect) {
                ch.config().setAllowHalfClosure(true);  // a raw request may end with a half-close
                p.addLast(PipelineNames.DIALECT, new DialectDetector(new FileDialects(protocols, root)));
            }
            if (netlab) {
                p.addLast(PipelineNames.FRAME_DECODER, FileFrameDecoder.forServer());
                p.addLast(PipelineNames.FRAME_ENCODER, FileFrameEncoder.INSTANCE);
            }
            p.addLast(PipelineNames.CHUNKED_WRITER, new ChunkedWriteHandler());
            if (netlab) {
                p.addLast(PipelineNames.FILE_HANDLER,
                        new FileServerHandler(root, maxBlockSize, sendMode, uploads, maxListEntries));
            }
        }, netlab ? PipelineNames.FRAME_DECODER : PipelineNames.DIALECT, true,
                reason -> new FileError(ErrorCode.BUSY, reason),
                // without netlab, the dialects spoken have no error to send before the request says which one it is
                netlab ? time -> new FileError(ErrorCode.TIMEOUT, "no complete request within " + time
                        + " (expected: a FILE_REQUEST)") : time -> null);
    }

    /**
     * Adding two numbers: frame codec and the sum handler, after a {@link DialectDetector} that swaps the codec for the
     * text dialect ({@code NAME,NUMBER}) when the client sends text ({@link SumDialects}).
     */
    static Protocol sum(SumServer.SumRules rules) {
        return new Protocol((ch, server) -> {
            ch.config().setAllowHalfClosure(true);      // a text request may end with a half-close
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.DIALECT, new DialectDetector(SumDialects.INSTANCE));
            p.addLast(PipelineNames.FRAME_DECODER, SumDecoder.forServer());
            p.addLast(PipelineNames.FRAME_ENCODER, SumEncoder.INSTANCE);
            p.addLast(PipelineNames.SUM_HANDLER, new SumServerHandler(rules, server));
        }, PipelineNames.FRAME_DECODER, false, reason -> new SumError(ErrorCode.BUSY, reason),
                // (in the text dialect, SumTextEncoder turns it into nothing: a close without a reply)
                time -> new SumError(ErrorCode.TIMEOUT, "no complete request within " + time + " (expected: a SUM_REQUEST)"));
    }

    /**
     * The classic example: UTF-8 lines (or text followed by a pause or a half-close) in, uppercased out (bytes that
     * are not UTF-8 escaped).
     */
    static Protocol echo() {
        return new Protocol((ch, server) -> {
            ch.config().setAllowHalfClosure(true);      // the textbook client's last bytes may come with a half-close
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.LINE_DECODER, new EchoTextDecoder(EchoServer.MAX_LINE));
            p.addLast(PipelineNames.STRING_ENCODER, new StringEncoder(StandardCharsets.UTF_8));
            p.addLast(PipelineNames.ECHO_HANDLER, EchoServerHandler.INSTANCE);
            p.addLast(PipelineNames.HALF_CLOSE, CloseOnInputShutdown.INSTANCE);
        }, PipelineNames.LINE_DECODER, false, reason -> "ERROR: server busy: " + reason + "\n",
                time -> "ERROR: no complete line within " + time + "\n");
    }
}
