package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrameChunkedInput;
import io.netlab.codec.FileRequest;
import io.netlab.codec.ListRequest;
import io.netlab.codec.PutRequest;
import io.netlab.codec.SendMode;
import io.netlab.codec.PeerText;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Serves file and listing requests, one after another on a connection ({@link KeepAlive}): checks each, opens the file through the {@link FileRoot}, and writes
 * the whole transfer as a {@link FileFrameChunkedInput}, which the ChunkedWriteHandler feeds to the socket only
 * while it is writable. A request with an offset (a resume, 0..size) gets the file from there, after a
 * {@link PrefixDigester} has digested the bytes before it: FILE_END covers the whole file. A listing is a
 * {@link DirectoryListing}, pulled by the same ChunkedWriteHandler. Every refusal is an ERROR frame with a specific
 * code; after a complete answer and the refusals {@link KeepAlive#keeps} names, the next request is awaited, after
 * any other the connection is closed.
 * <p>A client sends nothing after its request: once a transfer starts, the backpressure handler and the frame
 * decoder are taken out of the pipeline (the chunked writer already sends only while the channel is writable), and
 * any byte that arrives while the transfer runs (a second request, anything) is a protocol error
 * that closes the connection at once — no ERROR frame, which would queue behind the data, and nothing kept per
 * extra request. After a refusal, what else arrives is dropped until the connection closes.
 * <p>A {@link PutRequest} (an upload) is handed to an {@link UploadHandler}, which goes in front of this handler,
 * receives the upload's data and answers; after PUT_DONE (and the refusals {@link KeepAlive#keeps} names) the next
 * request is awaited, as after a fetch. While PUT_DONE is being written the decoder is out of the pipeline, so a
 * byte sent behind FILE_END closes the connection.
 */
final class FileServerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(FileServerHandler.class);

    private enum State { AWAIT_REQUEST, REFUSED, SENDING, UPLOADING }

    private final FileRoot root;
    private final int maxBlockSize;
    private final SendMode sendMode;
    private final Uploads uploads;
    private final long maxListEntries;
    private State state = State.AWAIT_REQUEST;
    /** Answers completed on this connection. */
    private int answered;
    /** The server is stopping: no request after the one in progress. */
    private boolean stopping;

    FileServerHandler(FileRoot root, int maxBlockSize, SendMode sendMode, Uploads uploads, long maxListEntries) {
        this.root = root;
        this.uploads = uploads;
        this.sendMode = sendMode;
        this.maxBlockSize = maxBlockSize;
        this.maxListEntries = maxListEntries;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        logger.debug("{} connected", ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (state) {
                case AWAIT_REQUEST -> {
                    if (msg instanceof ListRequest list) {
                        list(ctx, list);
                    } else if (msg instanceof PutRequest put) {
                        // an upload: UploadHandler goes in front of this handler, takes the data and answers
                        state = State.UPLOADING;
                        UploadHandler.begin(ctx, uploads, put, maxBlockSize, () -> next(ctx));
                    } else {
                        serve(ctx, (FileRequest) msg);    // the decoder passes on nothing else
                    }
                }
                case SENDING, UPLOADING -> sentMore(ctx);   // an upload's own frames stop at UploadHandler
                default -> {
                    // refused and closing: nothing more is read into an answer
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static void sentMore(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            logger.info("{} protocol error: sent more during its transfer (expected: nothing after the FILE_REQUEST): "
                    + "closing", ClientAddress.of(ctx.channel()));
            ctx.close();
        }
    }

    private void serve(ChannelHandlerContext ctx, FileRequest request) {
        state = State.REFUSED;       // until the transfer starts
        String shown = PeerText.escape(request.path());
        if (request.blockSize() < 1 || request.blockSize() > maxBlockSize) {
            refuse(ctx, ErrorCode.BAD_REQUEST, "blockSize: " + Integer.toUnsignedString(request.blockSize())
                    + " (expected: 1.." + maxBlockSize + ')');
            return;
        }
        if (request.offset() < 0) {
            refuse(ctx, ErrorCode.BAD_REQUEST, "offset: " + request.offset() + " (expected: >= 0)");
            return;
        }
        FileRoot.OpenFile file;
        try {
            file = root.open(request.path());
        } catch (FileAccessException e) {
            logger.info("{} refused {}: {} ({})", ClientAddress.of(ctx.channel()), shown, e.getMessage(), e.code());
            refuse(ctx, e.code(), e.getMessage());
            return;
        }
        long offset = request.offset();
        if (offset > file.size()) {
            closeQuietly(file);
            String message = "offset: " + offset + " (expected: 0.." + file.size() + ", the size of " + shown + ')';
            logger.info("{} refused {}: {} ({})", ClientAddress.of(ctx.channel()), shown, message, ErrorCode.OUT_OF_RANGE);
            refuse(ctx, ErrorCode.OUT_OF_RANGE, message);
            return;
        }
        long start = System.nanoTime();
        if (offset == 0) {
            logger.info("{} fetching {} ({} bytes, {}-byte blocks, {})", ClientAddress.of(ctx.channel()), shown,
                    file.size(), request.blockSize(), request.digest().name().toLowerCase(Locale.ROOT));
        } else {
            logger.info("{} resuming {} at byte {} of {} ({}-byte blocks, {})", ClientAddress.of(ctx.channel()), shown,
                    offset, file.size(), request.blockSize(), request.digest().name().toLowerCase(Locale.ROOT));
        }
        state = State.SENDING;
        if (offset == 0 || request.digest() == DigestAlgorithm.NONE) {
            send(ctx, request, file, shown, start, null);
            acceptNothingMore(ctx);     // after the write: what the decoder still holds closes the connection behind it
            return;
        }
        acceptNothingMore(ctx);
        // FILE_END of a resumed transfer carries the digest of the whole file: the bytes before the offset first
        PrefixDigester.digest(ctx, file.channel(), offset, request.digest()).addListener(f -> {
            if (f.isSuccess()) {
                send(ctx, request, file, shown, start, (DigestAlgorithm.Digest) f.getNow());
                return;
            }
            closeQuietly(file);
            if (f.cause() instanceof ClosedChannelException) {
                logger.info("{} stopped while resuming {} (reading its first {} bytes)", ClientAddress.of(ctx.channel()),
                        shown, offset);
            } else {
                logger.warn("{} failed reading {} before byte {}: {}", ClientAddress.of(ctx.channel()), shown, offset,
                        f.cause().toString());
                refuse(ctx, ErrorCode.IO_ERROR, shown + ": read failed on the server: " + f.cause().getMessage());
            }
        });
    }

    private void send(ChannelHandlerContext ctx, FileRequest request, FileRoot.OpenFile file, String shown, long start,
                      DigestAlgorithm.Digest digestedToOffset) {
        FileFrameChunkedInput.Builder builder = FileFrameChunkedInput.builder(file.channel(), file.size())
                .offset(request.offset()).blockSize(request.blockSize()).digest(request.digest())
                .sendMode(ctx.pipeline().get(SslHandler.class) == null ? sendMode : sendMode.underTls())
                .beforeEnd(file::checkUnchanged);
        if (digestedToOffset != null) {
            builder.digestedToOffset(digestedToOffset);
        }
        FileFrameChunkedInput input = builder.build();
        ChannelFuture transfer = ctx.writeAndFlush(input);
        long sent = file.size() - request.offset();
        transfer.addListener((ChannelFutureListener) f -> {
            long nanos = System.nanoTime() - start;
            if (f.isSuccess()) {
                logger.info("{} sent {} ({}{}) in {}", ClientAddress.of(ctx.channel()), shown, LogFormat.bytes(sent),
                        request.offset() == 0 ? "" : " from byte " + request.offset(), LogFormat.secondsAndRate(sent, nanos));
                ctx.executor().execute(() -> next(ctx));    // after acceptNothingMore, when the write completed at once
            } else if (f.channel().isActive() && !(f.cause() instanceof IOException && isBrokenPipe(f.cause()))
                    && input.atFrameBoundary()) {
                // the input failed between two frames (a transport failure closes the channel): an ERROR still frames
                if (f.cause() instanceof FileRoot.FileChangedException changed) {
                    logger.info("{} not ending the transfer: {}", ClientAddress.of(ctx.channel()), changed.getMessage());
                    refuse(ctx, ErrorCode.IO_ERROR, changed.getMessage());
                } else {
                    logger.warn("{} failed sending {}: {}", ClientAddress.of(ctx.channel()), shown, f.cause().toString());
                    refuse(ctx, ErrorCode.IO_ERROR, shown + ": read failed on the server: " + f.cause().getMessage());
                }
            } else {
                logger.info("{} stopped while fetching {} ({} of {} bytes sent): {}", ClientAddress.of(ctx.channel()),
                        shown, input.progress(), sent, f.cause().toString());
                f.channel().close();
            }
        });
    }

    private void list(ChannelHandlerContext ctx, ListRequest request) {
        state = State.REFUSED;       // until the listing starts
        String shown = PeerText.escape(request.path());
        DirectoryListing listing;
        try {
            listing = DirectoryListing.open(root, request, maxListEntries, ctx);
        } catch (FileAccessException e) {
            logger.info("{} refused listing {}: {} ({})", ClientAddress.of(ctx.channel()), shown, e.getMessage(), e.code());
            refuse(ctx, e.code(), e.getMessage());
            return;
        }
        long start = System.nanoTime();
        state = State.SENDING;
        ctx.writeAndFlush(listing).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && !listing.failed()) {
                logger.info("{} listed {}{} ({} entries) in {}", ClientAddress.of(ctx.channel()),
                        shown.isEmpty() ? "/" : shown, request.recursive() ? " recursively" : "", listing.sent(),
                        String.format(Locale.ROOT, "%.3f s", (System.nanoTime() - start) / 1e9));
                ctx.executor().execute(() -> next(ctx));    // after acceptNothingMore, when the write completed at once
            } else {
                logger.info("{} stopped listing {} after {} entries{}", ClientAddress.of(ctx.channel()), shown,
                        listing.sent(), f.isSuccess() ? "" : ": " + f.cause());
                f.channel().close();
            }
        });
        acceptNothingMore(ctx);
    }

    /** A complete answer is out: the connection waits for the next request (unless the server is stopping). */
    private void next(ChannelHandlerContext ctx) {
        answered++;
        if (stopping) {
            ctx.close();
        } else if (ctx.channel().isActive()) {
            KeepAlive.awaitNext(ctx);
            state = State.AWAIT_REQUEST;
        }
    }

    private static void acceptNothingMore(ChannelHandlerContext ctx) {
        KeepAlive.acceptNothingMore(ctx);
    }

    private static void closeQuietly(FileRoot.OpenFile file) {
        try {
            file.channel().close();
        } catch (IOException ignored) {
            // a read-only file: nothing was lost
        }
    }

    private static boolean isBrokenPipe(Throwable t) {
        return t.getMessage() != null && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("reset"));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == KeepAlive.STOPPING) {
            stopping = true;
            if (state == State.AWAIT_REQUEST && answered > 0) {
                ctx.close();        // between two requests: nothing is lost
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ErrorCode code = ProtocolErrors.codeFor(cause);
        if (code == null) {
            logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
            ctx.close();
            return;
        }
        if (state != State.AWAIT_REQUEST) {
            logger.debug("{} after its request: {}", ctx.channel(), cause.toString());
            if (state == State.SENDING || state == State.UPLOADING) {
                ctx.close();        // (an upload's own failures stop at its UploadHandler: this one could not start)
            }
            return;
        }
        String message = ProtocolErrors.messageFor(cause);
        logger.info("{} protocol error: {}", ClientAddress.of(ctx.channel()), message);
        state = State.REFUSED;
        refuse(ctx, code, message);
    }

    private void refuse(ChannelHandlerContext ctx, ErrorCode code, String message) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ChannelFuture written = ctx.writeAndFlush(new FileError(code, message));
        if (state == State.REFUSED && KeepAlive.keeps(code)) {
            next(ctx);      // a well-formed request refused before any answer: the connection stays
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
