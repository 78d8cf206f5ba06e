package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.UnsupportedVersionException;
import io.netlab.codec.file.FileChunk;
import io.netlab.codec.file.FileEnd;
import io.netlab.codec.file.FileError;
import io.netlab.codec.file.FileFrame;
import io.netlab.codec.file.FileHeader;
import io.netlab.codec.file.FileRequest;
import io.netlab.runtime.Console;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Receives one file: sends the request, then expects a header, data and an end frame, in that order, and writes
 * the data to an open file. Payloads are never copied: the decoder's slices are kept until the end of each socket
 * read and then written with one gathering write. The size and the digest are checked against the end frame;
 * any deviation fails the future with a {@link ClientException} that says exactly what happened.
 */
final class FileClientHandler extends SimpleChannelInboundHandler<FileFrame> {
    /** Write to disk at the latest when this much is pending, even within one socket read. */
    private static final int MAX_PENDING_BYTES = 1024 * 1024;

    private enum State { AWAIT_HEADER, DATA, DONE }

    private final FileRequest request;
    private final FileChannel out;
    private final Progress progress;
    private final long readTimeoutSeconds;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final List<ByteBuf> pending = new ArrayList<>();
    private int pendingBytes;

    private State state = State.AWAIT_HEADER;
    private long expected = -1;
    private long received;
    private DigestAlgorithm.Digest digest;

    FileClientHandler(FileRequest request, FileChannel out, Progress progress, long readTimeoutSeconds) {
        this.request = request;
        this.out = out;
        this.progress = progress;
        this.readTimeoutSeconds = readTimeoutSeconds;
    }

    /** Completes with the verified digest value, or fails with a {@link ClientException}. */
    CompletableFuture<byte[]> result() {
        return result;
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
    protected void channelRead0(ChannelHandlerContext ctx, FileFrame frame) throws Exception {
        if (state == State.DONE) {
            return;
        }
        if (frame instanceof FileChunk chunk) {
            onChunk(ctx, chunk);
        } else if (frame instanceof FileHeader header) {
            onHeader(ctx, header);
        } else if (frame instanceof FileEnd end) {
            onEnd(ctx, end);
        } else if (frame instanceof FileError error) {
            fail(ctx, new ClientException(ClientException.Kind.REMOTE, Console.safe(error.message())
                    + " [" + error.code() + ']'));
        }
    }

    private void onHeader(ChannelHandlerContext ctx, FileHeader header) {
        if (state != State.AWAIT_HEADER) {
            protocolError(ctx, "a second FILE_HEADER");
            return;
        }
        if (header.offset() != request.offset() || header.digest() != request.digest()
                || header.blockSize() > request.blockSize()) {
            protocolError(ctx, "the server's header (" + header + ") does not match the request (" + request + ')');
            return;
        }
        expected = header.remaining();
        digest = header.digest().newDigest();
        state = State.DATA;
        progress.start(expected);
    }

    private void onChunk(ChannelHandlerContext ctx, FileChunk chunk) throws IOException {
        if (state != State.DATA) {
            protocolError(ctx, "FILE_DATA before the FILE_HEADER");
            return;
        }
        ByteBuf content = chunk.content();
        int n = content.readableBytes();
        if (received + n > expected) {
            protocolError(ctx, "the server sent more than the " + expected + " bytes it announced");
            return;
        }
        digest.update(content);
        pending.add(content.retain());
        pendingBytes += n;
        received += n;
        if (pendingBytes >= MAX_PENDING_BYTES) {
            writePending(ctx);
        }
    }

    private void onEnd(ChannelHandlerContext ctx, FileEnd end) {
        if (state != State.DATA) {
            protocolError(ctx, "FILE_END before the FILE_HEADER");
            return;
        }
        if (!writePending(ctx)) {
            return;
        }
        if (received != expected || end.totalBytes() != expected) {
            fail(ctx, new ClientException(ClientException.Kind.INTEGRITY, "size mismatch: received " + received
                    + " bytes, the server announced " + expected + " and says it sent " + end.totalBytes()));
            return;
        }
        byte[] value = digest.finish();
        if (!end.digestMatches(value)) {
            fail(ctx, new ClientException(ClientException.Kind.INTEGRITY, "checksum mismatch: the "
                    + Console.bytes(received) + " received have " + end.digest().name().toLowerCase() + ' '
                    + DigestAlgorithm.hex(value) + ", the server sent " + DigestAlgorithm.hex(end.digestValue())));
            return;
        }
        state = State.DONE;
        progress.update(received);
        result.complete(value);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (state == State.DATA && writePending(ctx)) {
            progress.update(received);
        }
        super.channelReadComplete(ctx);
    }

    /** Writes what is pending with one gathering write; returns false (after failing) on a disk error. */
    private boolean writePending(ChannelHandlerContext ctx) {
        if (pending.isEmpty()) {
            return true;
        }
        try {
            List<ByteBuffer> views = new ArrayList<>(pending.size() + 4);
            for (ByteBuf b : pending) {
                if (b.nioBufferCount() == 1) {
                    views.add(b.nioBuffer());
                } else {
                    for (ByteBuffer v : b.nioBuffers()) {
                        views.add(v);
                    }
                }
            }
            ByteBuffer[] array = views.toArray(new ByteBuffer[0]);
            long left = pendingBytes;
            while (left > 0) {
                left -= out.write(array);
            }
            return true;
        } catch (IOException e) {
            fail(ctx, new ClientException(ClientException.Kind.LOCAL, "local disk error after " + (received - pendingBytes)
                    + " of " + expected + " bytes: " + describe(e), e));
            return false;
        } finally {
            releasePending();
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private void releasePending() {
        for (ByteBuf b : pending) {
            b.release();
        }
        pending.clear();
        pendingBytes = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePending();
        if (state != State.DONE) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, state == State.AWAIT_HEADER
                    ? "the server closed the connection without answering"
                    : "transfer interrupted after " + received + " of " + expected + " bytes: the server closed the connection"));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "no data from server for "
                    + readTimeoutSeconds + " s" + (state == State.DATA ? " (after " + received + " of " + expected + " bytes)" : "")));
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UnsupportedVersionException || cause instanceof DecoderException) {
            Throwable c = cause.getCause() instanceof DecoderException ? cause.getCause() : cause;
            fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, "protocol error"
                    + (state == State.DATA ? " after " + received + " of " + expected + " bytes" : "")
                    + ": " + c.getMessage(), cause));
        } else if (cause instanceof IOException) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "transfer interrupted after " + received
                    + (expected >= 0 ? " of " + expected : "") + " bytes: " + describe((IOException) cause), cause));
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
        releasePending();
        result.completeExceptionally(e);
        ctx.close();
    }
}
