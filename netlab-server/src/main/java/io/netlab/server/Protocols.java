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
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The protocol part of each server's pipeline; see {@link PipelineNames} for the order. */
final class Protocols {
    private Protocols() {
    }

    /**
     * A protocol as a server runs it: what it adds to each connection's pipeline (after the wire log, idle timeout
     * and connection limiter), and the message it answers a connection over a cap with.
     *
     * @param pipeline adds the protocol's handlers; receives the server so that a handler may shut it down
     * @param busy     the protocol's BUSY error for a refused connection, given the reason
     */
    record Protocol(BiConsumer<SocketChannel, RunningServer> pipeline, Function<String, Object> busy) {
    }

    /**
     * File transfer: frame codec, chunked writer, file handler; with more dialects than netlab, a
     * {@link DialectDetector} in front, which replaces them for raw and HTTP peers ({@link FileDialects}).
     */
    static Protocol file(FileRoot root, int maxBlockSize, Duration requestTimeout, SendMode sendMode,
                         Set<FileProtocol> protocols) {
        boolean netlab = protocols.contains(FileProtocol.NETLAB);
        return new Protocol((ch, server) -> {
            ChannelPipeline p = ch.pipeline();
            if (!protocols.equals(EnumSet.of(FileProtocol.NETLAB))) {
                ch.config().setAllowHalfClosure(true);  // a raw request may end with a half-close
                p.addLast(PipelineNames.DIALECT, new DialectDetector(
                        new FileDialects(protocols, root, requestTimeout.toMillis()), requestTimeout.toMillis()));
            }
            if (netlab) {
                p.addLast(PipelineNames.FRAME_DECODER, FileFrameDecoder.forServer());
                p.addLast(PipelineNames.FRAME_ENCODER, FileFrameEncoder.INSTANCE);
            }
            p.addLast(PipelineNames.CHUNKED_WRITER, new ChunkedWriteHandler());
            if (netlab) {
                p.addLast(PipelineNames.FILE_HANDLER,
                        new FileServerHandler(root, maxBlockSize, requestTimeout.toMillis(), sendMode));
            }
        }, reason -> new FileError(ErrorCode.BUSY, reason));
    }

    /**
     * Adding two numbers: frame codec and the sum handler, after a {@link DialectDetector} that swaps the codec for the
     * text dialect ({@code NAME,NUMBER}) when the client sends text ({@link SumDialects}).
     */
    static Protocol sum(SumServer.SumRules rules, Duration requestTimeout) {
        return new Protocol((ch, server) -> {
            ch.config().setAllowHalfClosure(true);      // a text request may end with a half-close
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.DIALECT, new DialectDetector(SumDialects.INSTANCE, requestTimeout.toMillis()));
            p.addLast(PipelineNames.FRAME_DECODER, SumDecoder.forServer());
            p.addLast(PipelineNames.FRAME_ENCODER, SumEncoder.INSTANCE);
            p.addLast(PipelineNames.SUM_HANDLER, new SumServerHandler(rules, server));
        }, reason -> new SumError(ErrorCode.BUSY, reason));
    }

    /** The classic example: UTF-8 lines (or text followed by a pause or a half-close) in, uppercased out. */
    static Protocol echo() {
        return new Protocol((ch, server) -> {
            ch.config().setAllowHalfClosure(true);      // the textbook client's last bytes may come with a half-close
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.LINE_DECODER, new EchoTextDecoder(EchoServer.MAX_LINE));
            p.addLast(PipelineNames.STRING_ENCODER, new StringEncoder(StandardCharsets.UTF_8));
            p.addLast(PipelineNames.ECHO_HANDLER, EchoServerHandler.INSTANCE);
            p.addLast(PipelineNames.HALF_CLOSE, CloseOnInputShutdown.INSTANCE);
        }, reason -> "ERROR: server busy: " + reason + "\n");
    }
}
