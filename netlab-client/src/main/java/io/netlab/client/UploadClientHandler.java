package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrame;
import io.netlab.codec.FileFrameChunkedInput;
import io.netlab.codec.PeerText;
import io.netlab.codec.PutDone;
import io.netlab.codec.PutReady;
import io.netlab.codec.PutRequest;
import io.netlab.codec.SendMode;
import io.netlab.codec.UnsupportedVersionException;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one upload: the PUT_REQUEST, then, after the server's PUT_READY, the file from the offset it names as a
 * {@link FileFrameChunkedInput} without header (written by the {@code ChunkedWriteHandler} behind this handler, only
 * while the socket is writable; {@link SendMode#AUTO}), and waits for PUT_DONE, which must carry the size and the
 * digest its FILE_END carried. Sits between the encoder and the chunked writer, so that it sees its own FILE_END go
 * out. Any deviation fails the future with a {@link ClientException} that says what happened.
 */
final class UploadClientHandler extends ChannelDuplexHandler {
    private enum State { AWAIT_READY, SENDING, DONE }

    private final PutRequest request;
    private final FileChannel file;
    private final Progress progress;
    private final long timeoutSeconds;
    private final CompletableFuture<PutDone> result = new CompletableFuture<>();
    private State state = State.AWAIT_READY;
    private FileFrameChunkedInput input;
    private long offset;
    private FileEnd sentEnd;
    private Throwable writeFailure;

    /** @param file the open local file, {@code request.size()} bytes; the input closes it once it has been built */
    UploadClientHandler(PutRequest request, FileChannel file, Progress progress, long timeoutSeconds) {
        this.request = request;
        this.file = file;
        this.progress = progress;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Completes with the server's PUT_DONE, verified, or fails with a {@link ClientException}. */
    CompletableFuture<PutDone> result() {
        return result;
    }

    /** The byte the data started from (the server's PUT_READY offset). */
    long offset() {
        return offset;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED,
                        "could not send the request: " + f.cause().getMessage(), f.cause()));
            }
        });
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.DONE || !(msg instanceof FileFrame frame)) {
                return;
            }
            if (frame instanceof PutReady ready) {
                onReady(ctx, ready);
            } else if (frame instanceof PutDone done) {
                onDone(ctx, done);
            } else if (frame instanceof FileError error) {
                fail(ctx, refusal(error));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The server's ERROR, in words; an old server's "unexpected type" says that it cannot take uploads. */
    private static ClientException refusal(FileError error) {
        String message = PeerText.escape(error.message());
        if (error.code() == ErrorCode.ILLEGAL_OPERATION && message.contains("(0x18) (expected: ")) {
            return new ClientException(ClientException.Kind.REMOTE, ErrorCode.UNSUPPORTED, "the server cannot take "
                    + "uploads: it predates them (it answered: " + message + " [" + error.code() + "])", null);
        }
        if (error.code() == ErrorCode.ILLEGAL_OPERATION && message.startsWith("flags: 0x4 (expected: ")) {
            return new ClientException(ClientException.Kind.REMOTE, ErrorCode.UNSUPPORTED, "the server cannot "
                    + "create directories: it predates put -r (it answered: " + message + " [" + error.code() + "])",
                    null);
        }
        return new ClientException(error.code(), message + " [" + error.code() + ']');
    }

    private void onReady(ChannelHandlerContext ctx, PutReady ready) {
        if (state != State.AWAIT_READY) {
            protocolError(ctx, "a second PUT_READY");
            return;
        }
        if (ready.offset() > request.size() || ready.offset() > 0 && !request.resume()
                || ready.blockSize() > request.blockSize()) {
            protocolError(ctx, "the server's PUT_READY (" + ready + ") does not match the request (" + request + ')');
            return;
        }
        offset = ready.offset();
        FileFrameChunkedInput.Builder b = FileFrameChunkedInput.builder(file, request.size()).header(false)
                .offset(offset).blockSize(ready.blockSize()).digest(request.digest())
                .sendMode(ctx.pipeline().get(SslHandler.class) == null ? SendMode.AUTO : SendMode.AUTO.underTls());
        if (offset > 0) {
            // FILE_END carries the digest of the whole file: the bytes the server holds are digested here, from disk
            DigestAlgorithm.Digest prefix = request.digest().newDigest();
            try {
                prefix.update(file, 0, offset, ByteBuffer.allocate((int) Math.min(256 * 1024, offset)));
            } catch (IOException e) {
                fail(ctx, new ClientException(ClientException.Kind.LOCAL, "cannot read the local file: " + e.getMessage(), e));
                return;
            }
            b.digestedToOffset(prefix);
        }
        input = b.build();
        state = State.SENDING;
        progress.start(request.size());
        progress.update(offset);
        ChannelProgressivePromise promise = ctx.channel().newProgressivePromise();
        promise.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long sent, long total) {
                progress.update(offset + sent);
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
                if (!future.isSuccess()) {
                    // the connection broke, or the server refused and closed: its ERROR, when it came, says more
                    writeFailure = future.cause();
                    if (future.cause() instanceof java.io.EOFException) {
                        fail(ctx, new ClientException(ClientException.Kind.LOCAL, "the local file changed while being "
                                + "sent: " + future.cause().getMessage(), future.cause()));
                    }
                }
            }
        });
        ctx.channel().writeAndFlush(input, promise);     // from the tail: through the chunked writer, then here
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof FileEnd end) {
            sentEnd = end;
        }
        super.write(ctx, msg, promise);
    }

    private void onDone(ChannelHandlerContext ctx, PutDone done) {
        if (state != State.SENDING || sentEnd == null) {
            protocolError(ctx, "PUT_DONE before the upload's end was sent");
            return;
        }
        if (done.size() != request.size() || done.digest() != request.digest()
                || !done.digestMatches(sentEnd.digestValue())) {
            fail(ctx, new ClientException(ClientException.Kind.INTEGRITY, "the server's PUT_DONE (" + done
                    + ") does not match what was sent (" + request.size() + " bytes, " + DigestAlgorithm.hex(
                    sentEnd.digestValue()) + ')'));
            return;
        }
        state = State.DONE;
        progress.update(request.size());
        result.complete(done);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state == State.AWAIT_READY) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED,
                    "the server closed the connection without answering" + DialectHints.FILE_CLOSED));
        } else if (state == State.SENDING) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "upload interrupted after "
                    + (offset + sent()) + " of " + request.size() + " bytes: the server closed the connection"
                    + (writeFailure != null && writeFailure.getMessage() != null ? " (" + writeFailure.getMessage() + ')' : "")
                    + "; put --continue resumes it", writeFailure));
        }
        closeInput();
        super.channelInactive(ctx);
    }

    private long sent() {
        return input == null ? 0 : input.progress();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            fail(ctx, new ClientException(ClientException.Kind.TIMEOUT, "no progress for " + timeoutSeconds + " s"
                    + (state == State.SENDING ? " (after " + (offset + sent()) + " of " + request.size() + " bytes)"
                    : " (waiting for the server's answer)")));
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UnsupportedVersionException || cause instanceof DecoderException) {
            fail(ctx, DialectHints.fileDecoderFailure(cause, ""));
        } else if (cause instanceof IOException io) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "upload interrupted after "
                    + (offset + sent()) + " of " + request.size() + " bytes: " + io.getMessage()
                    + "; put --continue resumes it", cause));
        } else {
            fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + cause, cause));
        }
    }

    private void protocolError(ChannelHandlerContext ctx, String what) {
        fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, "protocol error: " + what));
    }

    private void fail(ChannelHandlerContext ctx, ClientException e) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        result.completeExceptionally(e);
        ctx.close();
    }

    private void closeInput() {
        if (input == null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // read only
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeInput();
    }
}
