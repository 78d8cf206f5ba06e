package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.file.FileError;
import io.netlab.codec.file.FileFrameDecoder;
import io.netlab.codec.file.FileFrameEncoder;
import io.netlab.codec.namevalue.NamedIntDecoder;
import io.netlab.codec.namevalue.NamedIntEncoder;
import io.netlab.codec.namevalue.NamedIntError;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.nio.charset.StandardCharsets;

/** The protocol part of each server's pipeline; see {@link PipelineNames} for the order. */
public final class ServerInitializers {
    /** The longest line the echo service accepts. */
    public static final int MAX_ECHO_LINE = 8192;

    private ServerInitializers() {
    }

    /** File transfer: frame codec, chunked writer, file handler. */
    public static RunningServer.Protocol file(FileRoot root, int maxBlockSize, ServerConfig config) {
        return file(root, maxBlockSize, config, SendMode.AUTO);
    }

    /** File transfer with a chosen send mode. */
    public static RunningServer.Protocol file(FileRoot root, int maxBlockSize, ServerConfig config, SendMode sendMode) {
        return new RunningServer.Protocol((ch, server) -> {
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.FRAME_DECODER, FileFrameDecoder.forServer());
            p.addLast(PipelineNames.FRAME_ENCODER, FileFrameEncoder.INSTANCE);
            p.addLast(PipelineNames.CHUNKED_WRITER, new ChunkedWriteHandler());
            p.addLast(PipelineNames.FILE_HANDLER,
                    new FileServerHandler(root, maxBlockSize, config.requestTimeout().toMillis(), sendMode));
        }, reason -> new FileError(ErrorCode.BUSY, reason));
    }

    /** Adding two numbers: frame codec and the sum handler. */
    public static RunningServer.Protocol sum(SumService service) {
        return new RunningServer.Protocol((ch, server) -> {
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.FRAME_DECODER, NamedIntDecoder.forServer());
            p.addLast(PipelineNames.FRAME_ENCODER, NamedIntEncoder.INSTANCE);
            p.addLast(PipelineNames.SUM_HANDLER, new SumServerHandler(service, server));
        }, reason -> new NamedIntError(ErrorCode.BUSY, reason));
    }

    /** The classic example: UTF-8 lines in, the same lines uppercased out. */
    public static RunningServer.Protocol echo() {
        return new RunningServer.Protocol((ch, server) -> {
            ChannelPipeline p = ch.pipeline();
            p.addLast(PipelineNames.LINE_DECODER, new LineBasedFrameDecoder(MAX_ECHO_LINE));
            p.addLast(PipelineNames.STRING_DECODER, new StringDecoder(StandardCharsets.UTF_8));
            p.addLast(PipelineNames.STRING_ENCODER, new StringEncoder(StandardCharsets.UTF_8));
            p.addLast(PipelineNames.ECHO_HANDLER, EchoServerHandler.INSTANCE);
        }, reason -> "ERROR: server busy: " + reason + "\n");
    }
}
