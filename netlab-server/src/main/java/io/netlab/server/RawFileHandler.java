package io.netlab.server;

import io.netlab.codec.PeerText;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.stream.ChunkedNioFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Serves a request of the raw lab dialect: the file's bytes in 1024-byte blocks, then a close. The dialect has no
 * error channel, so a refusal (a path outside the root, a missing file, a directory, a malformed or over-long name,
 * no name within the request timeout) is a close with nothing sent, and a log line; the checks are those of netlab
 * requests, made by the same {@link FileRoot}.
 */
final class RawFileHandler extends SimpleChannelInboundHandler<RawRequestDecoder.RawRequest> {
    private static final Logger logger = LoggerFactory.getLogger(RawFileHandler.class);
    /** The lab's block size. */
    static final int BLOCK_SIZE = 1024;

    private final FileRoot root;
    private boolean requested;

    /** No deadline here: the common {@link RequestTimeoutHandler} closes a connection whose name never ends. */
    RawFileHandler(FileRoot root) {
        this.root = root;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RawRequestDecoder.RawRequest request) throws IOException {
        if (requested) {
            return;
        }
        requested = true;
        String shown = PeerText.escape(request.name());
        FileRoot.OpenFile file;
        try {
            file = root.open(request.name());
        } catch (FileAccessException e) {
            logger.info("{} refused raw request `{}`: {} ({}): closing without an answer", ClientAddress.of(ctx.channel()),
                    shown, e.getMessage(), e.code());
            ctx.close();
            return;
        }
        long start = System.nanoTime();
        logger.info("{} fetching {} ({} bytes, raw lab dialect, 1024-byte blocks, name ended by {})",
                ClientAddress.of(ctx.channel()), shown, file.size(), request.end().name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-'));
        ChunkedNioFile blocks;
        try {
            blocks = new ChunkedNioFile(file.channel(), 0, file.size(), BLOCK_SIZE);
        } catch (IOException e) {
            file.channel().close();
            throw e;
        }
        ctx.writeAndFlush(blocks).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                logger.info("{} sent {} ({}) in {}", ClientAddress.of(ctx.channel()), shown, LogFormat.bytes(file.size()),
                        LogFormat.secondsAndRate(file.size(), System.nanoTime() - start));
            } else {
                logger.info("{} stopped while sending {} (raw): {}", ClientAddress.of(ctx.channel()), shown,
                        f.cause().toString());
            }
            f.channel().close();
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
        } else {
            logger.info("{} refused raw request: {}: closing without an answer", ClientAddress.of(ctx.channel()),
                    ProtocolErrors.messageFor(cause));
        }
        requested = true;
        ctx.close();
    }
}
