package io.netlab.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches a file in the raw lab dialect: sends the bare name (no newline, no framing, as the lab's clients do), closes
 * its side of the connection so that the server need not wait for more, and writes every byte that comes back until
 * the server closes. The first {@value #HEAD} bytes are held back until the answer is known not to be an HTTP
 * response or a netlab ERROR frame (the server speaks another dialect): those fail the fetch with an explanation
 * instead of becoming the file.
 */
final class RawClientHandler extends ChannelInboundHandlerAdapter {
    /** Bytes held back at the start: more than the largest netlab ERROR frame. */
    static final int HEAD = 2048;

    private final Endpoint server;
    private final String name;
    private final GatheringByteChannel out;
    private final Progress progress;
    private final long readTimeoutSeconds;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private final List<String> warnings = new ArrayList<>();
    private ByteBuf head = Unpooled.buffer(HEAD);
    private long received;
    private boolean reset;

    RawClientHandler(Endpoint server, String name, GatheringByteChannel out, Progress progress, long readTimeoutSeconds) {
        this.server = server;
        this.name = name;
        this.out = out;
        this.progress = progress;
        this.readTimeoutSeconds = readTimeoutSeconds;
    }

    /** Completes with the byte count once the server has closed, or fails with a {@link ClientException}. */
    CompletableFuture<Long> result() {
        return result;
    }

    /** What the dialect could not rule out (read once the result is complete). */
    List<String> warnings() {
        return warnings;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Unpooled.copiedBuffer(name, StandardCharsets.UTF_8)).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED,
                        "could not send the file name: " + f.cause().getMessage(), f.cause()));
            } else if (f.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();     // the end of the name: the server need not wait for a pause
            }
        });
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (result.isDone()) {
                return;
            }
            received += buf.readableBytes();
            if (head != null) {
                head.writeBytes(buf, Math.min(buf.readableBytes(), head.writableBytes()));
                if (head.isWritable() || !checkHead(ctx, false) || !write(ctx, head)) {
                    return;
                }
                releaseHead();
            }
            if (buf.isReadable()) {
                write(ctx, buf);
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        progress.update(received);
        ctx.fireChannelReadComplete();
    }

    /** Whether the start of the answer may be the file; otherwise the fetch has failed with the reason. */
    private boolean checkHead(ChannelHandlerContext ctx, boolean whole) {
        String foreign = RawFetcher.explain(head, whole, server, name);
        if (foreign == null) {
            String doubt = RawFetcher.doubt(head);
            if (doubt != null) {
                warnings.add(doubt);
            }
            return true;
        }
        fail(ctx, new ClientException(ClientException.Kind.PROTOCOL, foreign));
        return false;
    }

    private boolean write(ChannelHandlerContext ctx, ByteBuf buf) {
        try {
            ByteBuffer[] views = buf.nioBuffers();
            long n = buf.readableBytes();
            long done = 0;
            while (done < n) {
                done += out.write(views);
            }
            buf.skipBytes(buf.readableBytes());
            return true;
        } catch (IOException e) {
            fail(ctx, new ClientException(ClientException.Kind.LOCAL, "local disk error after " + received + " bytes: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e));
            return false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!result.isDone()) {
            if (head != null && checkHead(ctx, true) && write(ctx, head)) {
                releaseHead();
            }
            if (!result.isDone()) {
                if (received == 0) {
                    warnings.add("received 0 bytes: the file is empty, or the server refused the request "
                            + "(the raw dialect has no error message: a lab-style server just closes)");
                }
                if (reset) {
                    warnings.add("the connection was reset after " + received + " bytes: the file may be cut off");
                }
                result.complete(received);
            }
        }
        releaseHead();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "no data from server for "
                    + readTimeoutSeconds + " s (after " + received + " bytes; the raw dialect ends only when the server "
                    + "closes the connection)"));
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException && received > 0) {
            reset = true;           // a reset after data: what came is kept, with a warning
            ctx.close();
            return;
        }
        fail(ctx, new ClientException(ClientException.Kind.INTERRUPTED, "the connection failed after " + received
                + " bytes: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause));
    }

    private void releaseHead() {
        if (head != null) {
            head.release();
            head = null;
        }
    }

    private void fail(ChannelHandlerContext ctx, ClientException e) {
        result.completeExceptionally(e);
        releaseHead();
        ctx.close();
    }
}
