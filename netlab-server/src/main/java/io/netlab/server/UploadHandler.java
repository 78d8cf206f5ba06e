package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileConstants;
import io.netlab.codec.FileChunk;
import io.netlab.codec.FileDataRun;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.PutDone;
import io.netlab.codec.PutReady;
import io.netlab.codec.PutRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Receives one upload (docs/protocol.md, 3c). The {@link FileServerHandler} puts it in front of itself when a
 * {@link PutRequest} comes: it checks the request ({@link Uploads#accept}), the free space, and for CONTINUE what the
 * temporary file holds (digesting those bytes with a {@link PrefixDigester}), then answers PUT_READY and lets the
 * frame decoder take the upload's data ({@link FileFrameDecoder#acceptUpload}). Data is written to the temporary
 * file on the event loop as it is decoded — one gathering write per socket read — so the connection is read no
 * faster than the disk takes it, and an upload holds at most one block and one read in memory. FILE_END is checked
 * (count and whole-file digest), the file forced to disk and installed ({@link Uploads#install}); then PUT_DONE. A cut
 * connection leaves the temporary file and its record for a CONTINUE; a failed check, a refusal at the install and a
 * write error remove them. An ERROR in the middle of an upload is followed by a lingering close, so that the
 * client, which may still be sending, reads it. Nothing is ever under the final name before it has been verified.
 */
final class UploadHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(UploadHandler.class);

    /**
     * CHECKING until PUT_READY; RECEIVING the data; ANSWERING from a verified FILE_END (or a refusal) until that answer
     * is written and the next request is awaited; FAILED after an ERROR, closing.
     */
    private enum State { CHECKING, RECEIVING, ANSWERING, FAILED }

    private final Uploads uploads;
    private final PutRequest request;
    private final int maxBlockSize;
    private final Runnable afterAnswer;
    private State state = State.CHECKING;
    private Uploads.Target target;
    private FileChannel file;
    private DigestAlgorithm.Digest digest;
    private long offset;
    private long received;
    private long started;

    /**
     * @param afterAnswer run once PUT_DONE, or a refusal that {@link KeepAlive#keeps keeps the connection}, has been
     *                    written: the file handler's next step (it waits for the next request on this connection)
     */
    private UploadHandler(Uploads uploads, PutRequest request, int maxBlockSize, Runnable afterAnswer) {
        this.uploads = uploads;
        this.request = request;
        this.maxBlockSize = maxBlockSize;
        this.afterAnswer = afterAnswer;
    }

    /**
     * Starts an upload on the connection of {@code fileHandler}: the upload handler goes in front of it and answers.
     *
     * @param afterAnswer run after PUT_DONE (or a refusal that leaves nothing half done) has been written
     */
    static void begin(ChannelHandlerContext fileHandler, Uploads uploads, PutRequest request, int maxBlockSize,
                      Runnable afterAnswer) {
        fileHandler.pipeline().addBefore(fileHandler.name(), PipelineNames.UPLOAD_HANDLER,
                new UploadHandler(uploads, request, Math.min(maxBlockSize, Uploads.MAX_UPLOAD_BLOCK), afterAnswer));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        started = System.nanoTime();
        try {
            target = uploads.accept(request, FileConstants.MAX_BLOCK_SIZE);
        } catch (FileAccessException e) {
            logger.info("{} refused upload of {}: {} ({})", ClientAddress.of(ctx.channel()), shownRequest(),
                    e.getMessage(), e.code());
            answerRefusal(ctx, e.code(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            logger.warn("{} cannot check the upload of {}", ClientAddress.of(ctx.channel()), shownRequest(), e);
            answerRefusal(ctx, ErrorCode.IO_ERROR, shownRequest() + ": cannot write on the server: " + e);
            return;
        }
        try {
            uploads.sweep(target.path().getParent());
            offset = request.resume() ? Uploads.resumable(target, request) : 0;
            long usable = Files.getFileStore(target.path().getParent()).getUsableSpace();
            long needed = request.size() - offset;
            long floor = uploads.policy().minFreeSpace();
            if (usable - needed < floor) {
                uploads.release(target);
                String m = "size: " + request.size() + " (expected: <= " + Math.max(0, usable - floor + offset)
                        + ": the server keeps " + floor + " bytes free, --min-free-space, and has " + usable + ')';
                logger.info("{} refused upload of {}: {} ({})", ClientAddress.of(ctx.channel()), target.shown(), m,
                        ErrorCode.TOO_LARGE);
                target = null;
                answerRefusal(ctx, ErrorCode.TOO_LARGE, m);
                return;
            }
            file = Uploads.openTemp(target, request, offset);
            if (offset == 0) {
                ready(ctx, request.digest().newDigest());
                return;
            }
            // CONTINUE: the whole-file digest begins with the bytes already held, read back from the disk
            PrefixDigester.digest(ctx, file, offset, request.digest()).addListener(f -> {
                if (state != State.CHECKING) {
                    return;
                }
                if (f.isSuccess()) {
                    ready(ctx, (DigestAlgorithm.Digest) f.getNow());
                } else if (!(f.cause() instanceof ClosedChannelException)) {
                    fail(ctx, ErrorCode.IO_ERROR, target.shown() + ": read failed on the server: "
                            + f.cause().getMessage(), true);
                }
            });
        } catch (RuntimeException e) {
            // a bug or an unexpected platform refusal: the claim is released and the client told, never left waiting
            logger.warn("{} cannot start the upload of {}", ClientAddress.of(ctx.channel()), target.shown(), e);
            if (state == State.CHECKING) {
                closeFile();
                uploads.release(target);
                target = null;
                answerRefusal(ctx, ErrorCode.IO_ERROR, shownRequest() + ": cannot write on the server: " + e);
            } else {
                fail(ctx, ErrorCode.IO_ERROR, shownRequest() + ": cannot write on the server: " + e, false);
            }
        } catch (IOException e) {
            logger.warn("{} cannot start the upload of {}: {}", ClientAddress.of(ctx.channel()), target.shown(),
                    e.toString());
            uploads.release(target);
            target = null;
            answerRefusal(ctx, ErrorCode.IO_ERROR, shownRequest() + ": cannot write on the server: " + e.getMessage());
        }
    }

    /** Answers PUT_READY and lets the data in. */
    private void ready(ChannelHandlerContext ctx, DigestAlgorithm.Digest prefix) {
        digest = prefix;
        state = State.RECEIVING;
        int blockSize = Math.min(request.blockSize(), maxBlockSize);
        ((FileFrameDecoder) ctx.pipeline().get(PipelineNames.FRAME_DECODER)).acceptUpload(blockSize).coalesceData(true);
        if (offset == 0) {
            logger.info("{} uploading {} ({} bytes, {}-byte blocks, {}{})", ClientAddress.of(ctx.channel()),
                    target.shown(), request.size(), blockSize, request.digest().name().toLowerCase(Locale.ROOT),
                    request.overwrite() ? ", overwrite" : "");
        } else {
            logger.info("{} continuing the upload of {} at byte {} of {} ({}-byte blocks, {})",
                    ClientAddress.of(ctx.channel()), target.shown(), offset, request.size(), blockSize,
                    request.digest().name().toLowerCase(Locale.ROOT));
        }
        ctx.writeAndFlush(new PutReady(offset, blockSize)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.FAILED) {
                return;      // failed, closing after the ERROR: what still comes is dropped (a lingering close)
            }
            if (state != State.RECEIVING) {
                // before PUT_READY, or while PUT_DONE or a refusal is being written: the client sent more than it
                // may (requests are not pipelined; data only after PUT_READY)
                protocolError(ctx, msg);
                return;
            }
            if (msg instanceof FileChunk chunk) {
                ByteBuf content = chunk.content();
                if (fits(ctx, content.readableBytes())) {
                    List<ByteBuffer> views = new ArrayList<>(1);
                    add(views, content, content.readerIndex(), content.readableBytes());
                    write(ctx, views);
                }
            } else if (msg instanceof FileDataRun run) {
                if (fits(ctx, run.payloadBytes())) {
                    List<ByteBuffer> views = new ArrayList<>();
                    run.forEachPayload((frames, index, length) -> add(views, frames, index, length));
                    write(ctx, views);
                }
            } else if (msg instanceof FileEnd end) {
                finish(ctx, end);
            } else {
                fail(ctx, ErrorCode.ILLEGAL_OPERATION, "unexpected " + msg + " during an upload", false);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Digests a payload and adds its views to one gathering write. */
    private void add(List<ByteBuffer> views, ByteBuf buf, int index, int length) {
        digest.update(buf, index, length);
        if (buf.nioBufferCount() == 1) {
            views.add(buf.nioBuffer(index, length));
        } else {
            views.addAll(List.of(buf.nioBuffers(index, length)));
        }
    }

    private boolean fits(ChannelHandlerContext ctx, long n) {
        long expected = request.size() - offset;
        if (received + n > expected) {
            fail(ctx, ErrorCode.INTEGRITY, target.shown() + ": more data than announced: " + (offset + received + n)
                    + " bytes (expected: " + request.size() + "); nothing installed", true);
            return false;
        }
        return true;
    }

    private void write(ChannelHandlerContext ctx, List<ByteBuffer> views) {
        ByteBuffer[] all = views.toArray(new ByteBuffer[0]);
        long n = 0;
        for (ByteBuffer b : all) {
            n += b.remaining();
        }
        try {
            for (long left = n; left > 0; ) {
                left -= file.write(all);
            }
            received += n;
        } catch (IOException e) {
            logger.warn("{} failed writing the upload of {}: {}", ClientAddress.of(ctx.channel()), target.shown(),
                    e.toString());
            fail(ctx, ErrorCode.IO_ERROR, target.shown() + ": write failed on the server after " + (offset + received)
                    + " bytes: " + e.getMessage() + "; nothing installed", true);
        }
    }

    /** FILE_END: the count and the whole-file digest, then fsync, install, PUT_DONE. */
    private void finish(ChannelHandlerContext ctx, FileEnd end) {
        long expected = request.size() - offset;
        if (received != expected || end.totalBytes() != expected) {
            fail(ctx, ErrorCode.INTEGRITY, target.shown() + ": count mismatch: received " + received
                    + " bytes, the client says it sent " + end.totalBytes() + " (expected: " + expected
                    + "); nothing installed", true);
            return;
        }
        if (end.digest() != request.digest()) {
            fail(ctx, ErrorCode.INTEGRITY, "digest: " + end.digest() + " (expected: " + request.digest()
                    + ", as in the PUT_REQUEST); nothing installed", true);
            return;
        }
        byte[] value = digest.finish();
        if (!end.digestMatches(value)) {
            fail(ctx, ErrorCode.INTEGRITY, target.shown() + ": checksum mismatch: the server computed "
                    + request.digest().name().toLowerCase(Locale.ROOT) + ' ' + DigestAlgorithm.hex(value)
                    + " over the whole file, the client sent " + DigestAlgorithm.hex(end.digestValue())
                    + "; nothing installed", true);
            return;
        }
        state = State.ANSWERING;
        FileAlreadyExistsException appeared = null;
        try {
            file.force(true);
            closeFile();
            Uploads.install(target, request.overwrite() && uploads.policy().allowOverwrite());
        } catch (FileAlreadyExistsException e) {
            appeared = e;
        } catch (IOException e) {
            logger.warn("{} failed installing {}: {}", ClientAddress.of(ctx.channel()), target.shown(), e.toString());
            state = State.RECEIVING;
            fail(ctx, ErrorCode.IO_ERROR, target.shown() + ": cannot install on the server: " + e.getMessage()
                    + "; nothing installed", true);
            return;
        }
        if (appeared != null) {
            state = State.RECEIVING;
            logger.info("{} not installing {}: it appeared during the upload", ClientAddress.of(ctx.channel()),
                    target.shown());
            fail(ctx, ErrorCode.ALREADY_EXISTS, target.shown() + ": appeared on the server during the upload; "
                    + "nothing replaced (expected: a new name, or put --overwrite)", true);
            return;
        }
        uploads.release(target);
        long nanos = System.nanoTime() - started;
        logger.info("{} received {} ({}{}) in {}", ClientAddress.of(ctx.channel()), target.shown(),
                LogFormat.bytes(request.size()), offset == 0 ? "" : " from byte " + offset,
                LogFormat.secondsAndRate(received, nanos));
        answer(ctx, new PutDone(request.size(), request.digest(), value), true);
    }

    /**
     * Writes the answer that ends this upload (PUT_DONE, or a refusal before any data). While it is being written
     * the frame decoder and the backpressure handler are out of the pipeline, as for a fetch: any byte that arrives
     * (a request pipelined behind FILE_END, anything) reaches this handler and closes the connection. Once the
     * answer is out and {@code keep}, this handler leaves and the file handler awaits the next request, which puts a
     * fresh decoder back ({@link KeepAlive#awaitNext}); otherwise the connection closes.
     */
    private void answer(ChannelHandlerContext ctx, Object frame, boolean keep) {
        state = State.ANSWERING;
        ctx.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess() && keep) {
                // on the event loop's next turn: after the decoder has passed on what it still held (when the
                // write completed at once, inside its channelRead)
                ctx.executor().execute(() -> {
                    if (ctx.channel().isActive() && !ctx.isRemoved()) {
                        leave(ctx);
                        afterAnswer.run();
                    }
                });
            } else {
                ctx.close();
            }
        });
        KeepAlive.acceptNothingMore(ctx);
    }

    /** A frame or bytes where none may come: closes at once (no ERROR, which would queue behind the answer). */
    private void protocolError(ChannelHandlerContext ctx, Object msg) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (state == State.CHECKING) {
            // before PUT_READY: the claim goes, the temporary file stays for a CONTINUE
            fail(ctx, ErrorCode.ILLEGAL_OPERATION, "unexpected " + shown(msg) + " before PUT_READY (expected: "
                    + "nothing until the server answers the PUT_REQUEST)", false);
            return;
        }
        logger.info("{} protocol error: sent {} while its upload was being answered (expected: nothing until the "
                + "answer, requests are not pipelined): closing", ClientAddress.of(ctx.channel()), shown(msg));
        state = State.FAILED;
        ctx.close();
    }

    private static String shown(Object msg) {
        return msg instanceof ByteBuf buf ? buf.readableBytes() + " more bytes" : String.valueOf(msg);
    }

    private static void leave(ChannelHandlerContext ctx) {
        if (ctx.pipeline().context(PipelineNames.UPLOAD_HANDLER) != null) {
            ctx.pipeline().remove(PipelineNames.UPLOAD_HANDLER);
        }
    }

    /** A refusal before any data: ERROR, then the file handler's next step or a close. */
    private void answerRefusal(ChannelHandlerContext ctx, ErrorCode code, String message) {
        if (!ctx.channel().isActive()) {
            state = State.FAILED;
            return;
        }
        answer(ctx, new FileError(code, message), KeepAlive.keeps(code));
    }

    /** The upload failed: the temporary file is removed ({@code discard}) or kept for CONTINUE; ERROR, then close. */
    private void fail(ChannelHandlerContext ctx, ErrorCode code, String message, boolean discard) {
        if (state == State.FAILED || state == State.ANSWERING) {
            return;
        }
        state = State.FAILED;
        closeFile();
        if (discard) {
            Uploads.discard(target);
        }
        uploads.release(target);
        logger.info("{} upload of {} failed after {} of {} bytes: {} ({}){}", ClientAddress.of(ctx.channel()),
                target.shown(), offset + received, request.size(), message, code,
                discard ? "" : ": its temporary file stays for --continue");
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new FileError(code, message)).addListener(UploadHandler::lingeringClose);
        }
    }

    /**
     * After an ERROR in the middle of an upload, whose client may still be sending: a FIN, then what still comes is
     * read and dropped until the client closes too, or 2 s pass. Closing with its data unread would send an RST,
     * which can destroy the ERROR before the client reads it (as {@link ConnectionLimiter} does for BUSY).
     */
    private static void lingeringClose(io.netty.util.concurrent.Future<? super Void> written) {
        // (the listener of a ChannelFuture: the channel is the future's)
        io.netty.channel.Channel ch = ((io.netty.channel.ChannelFuture) written).channel();
        if (written.isSuccess() && ch instanceof io.netty.channel.socket.DuplexChannel duplex) {
            duplex.shutdownOutput();
            ch.eventLoop().schedule(() -> ch.close(), 2, java.util.concurrent.TimeUnit.SECONDS);
        } else {
            ch.close();
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // what was written stays as it is
            }
            file = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ErrorCode code = ProtocolErrors.codeFor(cause);
        if (state == State.RECEIVING || state == State.CHECKING && target != null) {
            if (code == null) {
                logger.debug("{} connection failed during an upload: {}", ctx.channel(), cause.toString());
                ctx.close();
                return;
            }
            fail(ctx, code, ProtocolErrors.messageFor(cause), false);
            return;
        }
        logger.debug("{} after its upload: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if ((state == State.CHECKING || state == State.RECEIVING) && target != null) {
            state = State.FAILED;
            closeFile();
            uploads.release(target);
            logger.info("{} stopped uploading {} after {} of {} bytes: its temporary file stays for --continue",
                    ClientAddress.of(ctx.channel()), target.shown(), offset + received, request.size());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeFile();
    }

    private String shownRequest() {
        return io.netlab.codec.PeerText.escape(request.path());
    }
}
