package io.netlab.codec.file;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Outbound only: one or more consecutive FILE_DATA frames already laid out in wire format, headers included.
 * {@link FileFrameChunkedInput} reads the file straight into the payload slots of such a buffer (one scatter
 * read per run) so that small blocks cost neither a copy nor a frame object each; the encoder forwards the buffer
 * as it is. The decoder never produces it: a receiver always sees separate {@link FileChunk}s.
 */
public final class FileDataRun extends DefaultByteBufHolder implements FileFrame {
    private final long payloadBytes;

    /**
     * @param frames       complete FILE_DATA frames; this run takes over the caller's reference
     * @param payloadBytes the file bytes they carry (the buffer's length minus the headers)
     */
    public FileDataRun(ByteBuf frames, long payloadBytes) {
        super(frames);
        this.payloadBytes = payloadBytes;
    }

    /** The file bytes carried, headers not counted. */
    public long payloadBytes() {
        return payloadBytes;
    }

    @Override
    public FileDataRun replace(ByteBuf content) {
        return new FileDataRun(content, payloadBytes);
    }

    @Override
    public FileDataRun retain() {
        super.retain();
        return this;
    }

    @Override
    public FileDataRun touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "FileDataRun(" + payloadBytes + " payload bytes)";
    }
}
