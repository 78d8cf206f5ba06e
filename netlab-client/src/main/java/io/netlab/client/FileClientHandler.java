package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.UnsupportedVersionException;
import io.netlab.codec.FileChunk;
import io.netlab.codec.FileDataRun;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrame;
import io.netlab.codec.FileHeader;
import io.netlab.codec.FileRequest;
import io.netlab.codec.PeerText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Receives one file: sends the request, then expects a header, data and an end frame, in that order, and writes
 * the data to an open file. Blocks of 64 KiB and more are written straight from the received buffers; smaller
 * blocks are gathered into one pooled buffer and written at the end of each socket read (or when it fills), so
 * that the lab's 1 KiB blocks cost one system call per read, not per block. The size and the digest are checked against the end frame;
 * any deviation fails the future with a {@link ClientException} that says exactly what happened.
 * <p>A resumed transfer (a request with an offset) starts from the digest of the bytes before the offset, which the
 * caller read back from its partial file: the end frame's digest covers the whole file. Byte counts in messages
 * are positions in the whole file.
 */
// in one pipeline at a time; a FileSession adds it once more, after rearm(), when the server closed unanswered
@io.netty.channel.ChannelHandler.Sharable
final class FileClientHandler extends SimpleChannelInboundHandler<FileFrame> implements SessionRequest<byte[]> {
    /** Blocks of this size and more are written as they are; smaller ones are gathered first. */
    private static final int DIRECT_WRITE_THRESHOLD = 64 * 1024;
    /** The largest single write to the output. */
    private static final int MAX_WRITE = 256 * 1024;
    /** The gathering buffer for small blocks. */
    private static final int PENDING_CAPACITY = 512 * 1024;

    private enum State { AWAIT_HEADER, DATA, DONE }

    /** Looks at the server's header before any data is written; throws to stop the transfer. */
    @FunctionalInterface
    interface HeaderCheck {
        void check(FileHeader header) throws ClientException;
    }

    private final FileRequest request;
    private final GatheringByteChannel out;
    private final Progress progress;
    private final long readTimeoutSeconds;
    /** The first byte asked for: 0, or where a resumed transfer continues. */
    private final long base;
    private final DigestAlgorithm.Digest digestedToOffset;
    private final HeaderCheck headerCheck;
    private volatile ErrorCode refusal;
    private CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final FileDataRun.PayloadVisitor payloadSink = this::payload;
    private ChannelHandlerContext ctx;
    private ByteBuf pending;

    private State state = State.AWAIT_HEADER;
    /** In a {@link FileSession}: the connection stays after the answer, and the request goes out when added. */
    private boolean keepConnection;
    /** The connection closed (or was reset) before any byte of an answer. */
    private volatile boolean unanswered;
    private long expected = -1;
    private long received;
    private DigestAlgorithm.Digest digest;

    FileClientHandler(FileRequest request, GatheringByteChannel out, Progress progress, long readTimeoutSeconds) {
        this(request, out, progress, readTimeoutSeconds, null, null);
    }

    /**
     * @param digestedToOffset with an offset (and a digest), the running digest of the bytes before it; else null
     * @param headerCheck      called with the header before any data is written; may be null
     */
    FileClientHandler(FileRequest request, GatheringByteChannel out, Progress progress, long readTimeoutSeconds,
                      DigestAlgorithm.Digest digestedToOffset, HeaderCheck headerCheck) {
        this.request = request;
        this.out = out;
        this.progress = progress;
        this.readTimeoutSeconds = readTimeoutSeconds;
        this.base = request.offset();
        this.digestedToOffset = digestedToOffset;
        this.headerCheck = headerCheck;
    }

    /** The code of the server's ERROR frame, when it sent one; else null. */
    ErrorCode refusal() {
        return refusal;
    }

    /** Completes with the verified digest value, or fails with a {@link ClientException}. */
    @Override
    public CompletableFuture<byte[]> result() {
        return result;
    }

    /**
     * For a {@link FileSession}: the request goes out as soon as the handler is added to a connected channel, and
     * the connection is left open after FILE_END and after a refusal the server keeps the connection for.
     */
    void keepConnection() {
        this.keepConnection = true;
    }

    @Override
    public boolean unanswered() {
        return unanswered;
    }

    @Override
    public boolean rearm() {
        if (!unanswered || received > 0) {
            return false;
        }
        unanswered = false;
        state = State.AWAIT_HEADER;
        result = new CompletableFuture<>();
        return true;
    }

    @Override
    public void closedBeforeSending() {
        if (state == State.DONE) {
            return;
        }
        unanswered = true;
        state = State.DONE;
        releasePending();
        result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                "the server closed the connection without answering" + DialectHints.FILE_CLOSED));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;     // for the payload visitor, which gets no context of its own
        if (keepConnection) {
            if (ctx.channel().isActive()) {
                sendRequest(ctx);
            } else {
                closedBeforeSending();  // added to a closed channel: no channelInactive will come
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendRequest(ctx);
        super.channelActive(ctx);
    }

    private void sendRequest(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED,
                        "could not send the request: " + f.cause().getMessage(), f.cause()));
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FileFrame frame) throws Exception {
        if (state == State.DONE) {
            return;
        }
        if (frame instanceof FileDataRun run) {
            onRun(ctx, run);
        } else if (frame instanceof FileChunk chunk) {
            onChunk(ctx, chunk);
        } else if (frame instanceof FileHeader header) {
            onHeader(ctx, header);
        } else if (frame instanceof FileEnd end) {
            onEnd(ctx, end);
        } else if (frame instanceof FileError error) {
            refusal = error.code();
            fail(ctx, new ClientException(error.code(), PeerText.escape(error.message()) + " [" + error.code() + ']'));
        } else {
            protocolError(ctx, "a " + frame.getClass().getSimpleName() + " frame in answer to a FILE_REQUEST");
        }
    }

    private void onHeader(ChannelHandlerContext ctx, FileHeader header) {
        if (state != State.AWAIT_HEADER) {
            protocolError(ctx, "a second FILE_HEADER");
            return;
        }
        if (header.offset() != request.offset() || header.digest() != request.digest()
                || header.blockSize() > request.blockSize()
                || (header.status() == FileHeader.Status.PARTIAL) != (header.offset() > 0)) {
            protocolError(ctx, "the server's header (" + header + ") does not match the request (" + request + ')');
            return;
        }
        if (headerCheck != null) {
            try {
                headerCheck.check(header);
            } catch (ClientException e) {
                fail(ctx, e);
                return;
            }
        }
        expected = header.remaining();
        digest = digestedToOffset != null ? digestedToOffset : header.digest().newDigest();
        state = State.DATA;
        progress.start(header.size());
        progress.update(base);
    }

    private void onChunk(ChannelHandlerContext ctx, FileChunk chunk) {
        ByteBuf content = chunk.content();
        if (accept(ctx, content.readableBytes())) {
            payload(content, content.readerIndex(), content.readableBytes());
        }
    }

    private void onRun(ChannelHandlerContext ctx, FileDataRun run) {
        if (accept(ctx, run.payloadBytes())) {
            run.forEachPayload(payloadSink);
        }
    }

    /** Checks that {@code n} more data bytes may come now. */
    private boolean accept(ChannelHandlerContext ctx, long n) {
        if (state != State.DATA) {
            protocolError(ctx, "FILE_DATA before the FILE_HEADER");
            return false;
        }
        if (received + n > expected) {
            protocolError(ctx, "the server sent more than the " + (base + expected) + " bytes it announced");
            return false;
        }
        return true;
    }

    /** One block of file data: digested, then written as it is (big blocks) or gathered (small ones). */
    private void payload(ByteBuf buf, int index, int length) {
        if (state != State.DATA) {
            return;     // a write failed earlier in this run
        }
        received += length;
        if (length >= DIRECT_WRITE_THRESHOLD) {
            // a big block: digested and written straight from the received buffers, no copy (after what is pending)
            if (writePending(ctx)) {
                digest.update(buf, index, length);
                write(ctx, buf.slice(index, length));
            }
            return;
        }
        // small blocks are gathered into one buffer, so that a 1 KiB block costs a memcpy, not a system call,
        // and the decoder's received buffers are released at once instead of being pinned until the write
        if (pending == null) {
            pending = ctx.alloc().directBuffer(PENDING_CAPACITY);
        }
        // getBytes, not pending.writeBytes(buf, ...): that asks the (composite) source for NIO views, two to three
        // garbage objects (~100 bytes) per block, 100 MiB of young heap per GiB at 1 KiB blocks, which the JVM
        // touched as RSS before its first collection; getBytes copies component by component, allocation-free
        int w = pending.writerIndex();
        buf.getBytes(index, pending, w, length);
        pending.writerIndex(w + length);
        if (pending.writableBytes() < DIRECT_WRITE_THRESHOLD) {
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
                    + (base == 0 ? Units.bytes(received) + " received have "
                    : Units.bytes(base + received) + " (" + base + " kept, " + received + " received) have ")
                    + end.digest().name().toLowerCase(java.util.Locale.ROOT) + ' '
                    + DigestAlgorithm.hex(value) + ", the server sent " + DigestAlgorithm.hex(end.digestValue())));
            return;
        }
        state = State.DONE;
        progress.update(base + received);
        releasePending();
        result.complete(value);
        if (!keepConnection) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (state == State.DATA && writePending(ctx)) {
            progress.update(base + received);
        }
        super.channelReadComplete(ctx);
    }

    /** Writes the gathered small blocks; returns false (after failing) on a disk error. */
    private boolean writePending(ChannelHandlerContext ctx) {
        if (pending == null || !pending.isReadable()) {
            return true;
        }
        // small blocks are digested here, in one call per gathered buffer (still in cache from the copy), in order
        digest.update(pending);
        boolean ok = write(ctx, pending);
        if (pending != null) {
            pending.clear();
        }
        return ok;
    }

    /**
     * Writes all readable bytes of {@code buf} to the output without moving its reader index, in system calls of at
     * most {@value #MAX_WRITE} bytes: on the ext4 machines measured, 1 MiB writes into a new file stalled now and
     * then for seconds where 64-256 KiB writes did not (dd shows the same; docs/performance.md).
     */
    private boolean write(ChannelHandlerContext ctx, ByteBuf buf) {
        try {
            ByteBuffer[] views = buf.nioBufferCount() == 1 ? new ByteBuffer[] {buf.nioBuffer()} : buf.nioBuffers();
            for (ByteBuffer v : views) {
                int end = v.limit();
                while (v.position() < end) {
                    v.limit(Math.min(end, v.position() + MAX_WRITE));
                    while (v.hasRemaining()) {
                        out.write(v);
                    }
                }
            }
            return true;
        } catch (IOException e) {
            fail(ctx, new ClientException(ClientException.Kind.LOCAL, "local disk error after "
                    + (base + received - buf.readableBytes()) + " of " + (base + expected) + " bytes: " + describe(e), e));
            return false;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state == State.DATA) {
            writePending(ctx);      // what arrived whole and in order goes to disk: --continue resumes after it
        }
        releasePending();
        if (state == State.AWAIT_HEADER) {
            unanswered = true;
        }
        if (state != State.DONE) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, state == State.AWAIT_HEADER
                    ? "the server closed the connection without answering" + DialectHints.FILE_CLOSED
                    : "transfer interrupted after " + (base + received) + " of " + (base + expected)
                    + " bytes: the server closed the connection"));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (state == State.DATA) {
                writePending(ctx);
            }
            fail(ctx, new ClientException(ClientException.Kind.TIMEOUT, "no data from server for "
                    + readTimeoutSeconds + " s" + (state == State.DATA ? " (after " + (base + received) + " of "
                    + (base + expected) + " bytes)" : "")));
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UnsupportedVersionException || cause instanceof DecoderException) {
            fail(ctx, DialectHints.fileDecoderFailure(cause,
                    state == State.DATA ? " after " + (base + received) + " of " + (base + expected) + " bytes" : ""));
        } else if (cause instanceof IOException) {
            if (state == State.AWAIT_HEADER) {
                unanswered = true;
            }
            if (state == State.DATA) {
                writePending(ctx);
            }
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "transfer interrupted after " + (base + received)
                    + (expected >= 0 ? " of " + (base + expected) : "") + " bytes: " + describe((IOException) cause), cause));
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
        if (!keepConnection || !FileSession.keepsConnection(e)) {
            ctx.close();
        }
    }
}
