package io.netlab.client;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrame;
import io.netlab.codec.ListEnd;
import io.netlab.codec.ListEntry;
import io.netlab.codec.ListRequest;
import io.netlab.codec.PeerText;
import io.netlab.codec.UnsupportedVersionException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Receives one listing (docs/protocol.md, 3b): sends the LIST_REQUEST when added to a connected channel, gathers
 * the entries, and checks their count against LIST_END. A refusal, a close before LIST_END, silence longer than
 * the read timeout, more than {@code maxEntries} entries or a frame that is not part of a listing fails the result
 * with a {@link ClientException}. The connection stays after a complete listing and after the refusals the server
 * keeps it for ({@link FileSession#keepsConnection}).
 */
// in one pipeline at a time; a FileSession adds it once more, after rearm(), when the server closed unanswered
@io.netty.channel.ChannelHandler.Sharable
final class ListClientHandler extends SimpleChannelInboundHandler<FileFrame> implements SessionRequest<List<ListEntry>> {
    private final ListRequest request;
    private final long readTimeoutSeconds;
    private final long maxEntries;
    private List<ListEntry> entries = new ArrayList<>();
    private CompletableFuture<List<ListEntry>> result = new CompletableFuture<>();
    private boolean done;
    private boolean answered;
    private volatile boolean unanswered;

    ListClientHandler(ListRequest request, long readTimeoutSeconds, long maxEntries) {
        this.request = request;
        this.readTimeoutSeconds = readTimeoutSeconds;
        this.maxEntries = maxEntries;
    }

    @Override
    public CompletableFuture<List<ListEntry>> result() {
        return result;
    }

    @Override
    public boolean unanswered() {
        return unanswered;
    }

    @Override
    public boolean rearm() {
        if (!unanswered || answered) {
            return false;
        }
        unanswered = false;
        done = false;
        entries = new ArrayList<>();
        result = new CompletableFuture<>();
        return true;
    }

    @Override
    public void closedBeforeSending() {
        if (done) {
            return;
        }
        unanswered = true;
        done = true;
        entries = new ArrayList<>();
        result.completeExceptionally(new ClientException(ClientException.Kind.INTERRUPTED,
                "the server closed the connection without answering" + DialectHints.FILE_CLOSED));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            closedBeforeSending();      // added to a closed channel: no channelInactive will come
        } else {
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED,
                            "could not send the request: " + f.cause().getMessage(), f.cause()));
                }
            });
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FileFrame frame) {
        if (done) {
            return;
        }
        answered = true;
        if (frame instanceof ListEntry entry) {
            if (entries.size() >= maxEntries) {
                fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, "the listing has more than "
                        + maxEntries + " entries (expected: at most " + maxEntries + ')'));
                return;
            }
            entries.add(entry);
        } else if (frame instanceof ListEnd end) {
            if (end.entries() != entries.size()) {
                fail(ctx, new ClientException(ClientException.Kind.INTEGRITY, "entry count mismatch: received "
                        + entries.size() + " entries, the server says it sent " + end.entries()));
                return;
            }
            done = true;
            result.complete(List.copyOf(entries));
        } else if (frame instanceof FileError error) {
            String message = PeerText.escape(error.message());
            if (error.code() == ErrorCode.ILLEGAL_OPERATION && message.contains("LIST_REQUEST")) {
                message = "the server cannot list directories (it predates listing): " + message;
            }
            fail(ctx, new ClientException(error.code(), message + " [" + error.code() + ']'));
        } else {
            fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, "protocol error: a "
                    + frame.getClass().getSimpleName() + " frame in answer to a LIST_REQUEST"));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!answered) {
            unanswered = true;
        }
        fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, answered
                ? "listing interrupted after " + entries.size() + " entries: the server closed the connection"
                : "the server closed the connection without answering" + DialectHints.FILE_CLOSED));
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            fail(ctx, new ClientException(ClientException.Kind.TIMEOUT, "no data from server for "
                    + readTimeoutSeconds + " s (after " + entries.size() + " entries)"));
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UnsupportedVersionException || cause instanceof DecoderException) {
            fail(ctx, DialectHints.fileDecoderFailure(cause, " after " + entries.size() + " entries"));
        } else if (cause instanceof IOException io) {
            if (!answered) {
                unanswered = true;
            }
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "listing interrupted after "
                    + entries.size() + " entries: " + io.getMessage(), cause));
        } else {
            fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + cause, cause));
        }
    }

    private void fail(ChannelHandlerContext ctx, ClientException e) {
        if (done) {
            return;
        }
        done = true;
        entries = new ArrayList<>();
        result.completeExceptionally(e);
        if (!FileSession.keepsConnection(e)) {
            ctx.close();
        }
    }
}
