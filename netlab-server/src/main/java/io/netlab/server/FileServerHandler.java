package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrameChunkedInput;
import io.netlab.codec.FileRequest;
import io.netlab.codec.SendMode;
import io.netlab.codec.PeerText;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Serves one file request per connection: checks it, opens the file through the {@link FileRoot}, and writes
 * the whole transfer as a {@link FileFrameChunkedInput}, which the ChunkedWriteHandler feeds to the socket only
 * while it is writable. Every refusal is an ERROR frame with a specific code, then the connection is closed.
 */
final class FileServerHandler extends SimpleChannelInboundHandler<FileRequest> {
    private static final Logger logger = LoggerFactory.getLogger(FileServerHandler.class);

    private final FileRoot root;
    private final int maxBlockSize;
    private final long requestTimeoutMillis;
    private final SendMode sendMode;
    private boolean requested;
    private ScheduledFuture<?> requestDeadline;

    FileServerHandler(FileRoot root, int maxBlockSize, long requestTimeoutMillis, SendMode sendMode) {
        this.root = root;
        this.sendMode = sendMode;
        this.maxBlockSize = maxBlockSize;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.debug("{} connected", ctx.channel());
        requestDeadline = ctx.executor().schedule(() -> {
            if (!requested && ctx.channel().isActive()) {
                logger.info("{} sent no complete request within {} ms: closing", ctx.channel(), requestTimeoutMillis);
                refuse(ctx, ErrorCode.TIMEOUT,
                        "no complete request within " + requestTimeoutMillis / 1000.0 + " s (expected: a FILE_REQUEST)");
            }
        }, requestTimeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (requestDeadline != null) {
            requestDeadline.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (requestDeadline != null) {
            requestDeadline.cancel(false);      // another dialect took the connection (FileDialects)
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FileRequest request) {
        if (requested) {
            refuse(ctx, ErrorCode.ILLEGAL_OPERATION, "a second FILE_REQUEST on one connection (expected: one request)");
            return;
        }
        requested = true;
        requestDeadline.cancel(false);
        String shown = PeerText.escape(request.path());
        if (request.blockSize() < 1 || request.blockSize() > maxBlockSize) {
            refuse(ctx, ErrorCode.BAD_REQUEST, "blockSize: " + Integer.toUnsignedString(request.blockSize())
                    + " (expected: 1.." + maxBlockSize + ')');
            return;
        }
        if (request.offset() != 0) {
            refuse(ctx, ErrorCode.UNSUPPORTED,
                    "offset: " + request.offset() + " (expected: 0; resuming is reserved for a later version)");
            return;
        }
        FileRoot.OpenFile file;
        try {
            file = root.open(request.path());
        } catch (FileAccessException e) {
            logger.info("{} refused {}: {} ({})", ctx.channel().remoteAddress(), shown, e.getMessage(), e.code());
            refuse(ctx, e.code(), e.getMessage());
            return;
        }
        long start = System.nanoTime();
        logger.info("{} fetching {} ({} bytes, {}-byte blocks, {})", ctx.channel().remoteAddress(), shown,
                file.size(), request.blockSize(), request.digest().name().toLowerCase(Locale.ROOT));
        FileFrameChunkedInput input = FileFrameChunkedInput.builder(file.channel(), file.size())
                .blockSize(request.blockSize()).digest(request.digest()).sendMode(sendMode).build();
        ctx.writeAndFlush(input).addListener((ChannelFutureListener) f -> {
            long nanos = System.nanoTime() - start;
            if (f.isSuccess()) {
                logger.info("{} sent {} ({}) in {}", ctx.channel().remoteAddress(), shown,
                        LogFormat.bytes(file.size()), LogFormat.secondsAndRate(file.size(), nanos));
                f.channel().close();
            } else if (f.channel().isActive() && !(f.cause() instanceof IOException && isBrokenPipe(f.cause()))
                    && input.sendMode() != SendMode.SENDFILE) {
                // buffered modes fail before a frame is started, so an ERROR frame can still be framed correctly
                logger.warn("{} failed sending {}: {}", ctx.channel().remoteAddress(), shown, f.cause().toString());
                refuse(ctx, ErrorCode.IO_ERROR, shown + ": read failed on the server: " + f.cause().getMessage());
            } else {
                logger.info("{} stopped while fetching {} ({} of {} bytes sent): {}", ctx.channel().remoteAddress(),
                        shown, input.progress(), file.size(), f.cause().toString());
                f.channel().close();
            }
        });
    }

    private static boolean isBrokenPipe(Throwable t) {
        return t.getMessage() != null && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("reset"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ErrorCode code = ProtocolErrors.codeFor(cause);
        if (code == null) {
            logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
            ctx.close();
            return;
        }
        String message = ProtocolErrors.messageFor(cause);
        logger.info("{} protocol error: {}", ctx.channel().remoteAddress(), message);
        requested = true;
        refuse(ctx, code, message);
    }

    private static void refuse(ChannelHandlerContext ctx, ErrorCode code, String message) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new FileError(code, message)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
