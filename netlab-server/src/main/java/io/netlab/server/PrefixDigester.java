package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;

/**
 * Digests the bytes of a file before a resumed transfer's offset, so that its FILE_END can carry the digest of the
 * whole file (docs/protocol.md). The work runs on the connection's event loop, one slice per task: a resume costs
 * time in proportion to its offset, but the loop serves its other connections between two slices. It stops when
 * the connection closes.
 */
final class PrefixDigester implements Runnable {
    /** Bytes digested per task: about a millisecond of CRC-32C, a few of SHA-256. */
    static final int SLICE = 1024 * 1024;
    private static final int READ = 256 * 1024;

    private final ChannelHandlerContext ctx;
    private final FileChannel file;
    private final long length;
    private final DigestAlgorithm.Digest digest;
    private final Promise<DigestAlgorithm.Digest> promise;
    private ByteBuf scratch;
    private long done;

    private PrefixDigester(ChannelHandlerContext ctx, FileChannel file, long length, DigestAlgorithm algorithm) {
        this.ctx = ctx;
        this.file = file;
        this.length = length;
        this.digest = algorithm.newDigest();
        this.promise = ctx.executor().newPromise();
    }

    /**
     * Starts digesting the first {@code length} bytes of {@code file} on the context's executor.
     *
     * @return completes with the running digest (to be continued by the transfer), or fails with the read error,
     *         an {@link java.io.EOFException} when the file is shorter, or a {@link ClosedChannelException} when
     *         the connection closed first
     */
    static Future<DigestAlgorithm.Digest> digest(ChannelHandlerContext ctx, FileChannel file, long length,
                                                 DigestAlgorithm algorithm) {
        PrefixDigester d = new PrefixDigester(ctx, file, length, algorithm);
        ctx.executor().execute(d);
        return d.promise;
    }

    @Override
    public void run() {
        if (!ctx.channel().isActive()) {
            finish(new ClosedChannelException());
            return;
        }
        try {
            if (scratch == null) {
                scratch = ctx.alloc().directBuffer((int) Math.min(READ, Math.max(1, length)));
            }
            ByteBuffer view = scratch.nioBuffer(0, scratch.capacity());
            long n = Math.min(SLICE, length - done);
            digest.update(file, done, n, view);
            done += n;
        } catch (IOException | RuntimeException e) {
            finish(e);
            return;
        }
        if (done == length) {
            finish(null);
        } else {
            ctx.executor().execute(this);
        }
    }

    private void finish(Throwable failure) {
        if (scratch != null) {
            scratch.release();
            scratch = null;
        }
        if (failure == null) {
            promise.trySuccess(digest);
        } else {
            promise.tryFailure(failure);
        }
    }
}
