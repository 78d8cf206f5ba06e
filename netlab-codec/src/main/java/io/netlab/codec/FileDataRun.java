package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Two or more consecutive FILE_DATA frames in wire format, headers included, as a
 * {@link FileFrameDecoder#coalesceData(boolean) coalescing} decoder hands on the data frames that arrived together:
 * a retained slice of the received bytes, so that small blocks cost neither a copy nor a message each.
 * {@link #forEachPayload} walks the payloads. The encoder forwards a run as it is (a relay can pass it on).
 */
public final class FileDataRun extends DefaultByteBufHolder implements FileFrame {
    private final long payloadBytes;

    /**
     * @param frames       complete, checked FILE_DATA frames; this run takes over the caller's reference
     * @param payloadBytes the file bytes they carry (the buffer's length minus the headers)
     */
    FileDataRun(ByteBuf frames, long payloadBytes) {
        super(frames);
        this.payloadBytes = payloadBytes;
    }

    /** {@return the file bytes carried, headers not counted} */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Receives the payloads of a run, in order. */
    @FunctionalInterface
    public interface PayloadVisitor {
        /**
         * One payload: {@code length} bytes of {@code frames} at {@code index}.
         *
         * @param frames the run's buffer (do not move its indices, nor keep it past the call without retaining it)
         * @param index  the absolute index of the payload's first byte
         * @param length the payload's length
         */
        void payload(ByteBuf frames, int index, int length);
    }

    /**
     * Calls {@code visitor} for each frame's payload, without moving the buffer's indices or copying.
     * The frames' headers were checked when the run was decoded or built.
     *
     * @param visitor called once per frame, in order
     */
    public void forEachPayload(PayloadVisitor visitor) {
        ByteBuf frames = content();
        int i = frames.readerIndex();
        int end = frames.writerIndex();
        while (i < end) {
            int length = frames.getInt(i + 4);
            visitor.payload(frames, i + NetlabFrames.HEADER_LENGTH, length);
            i += NetlabFrames.HEADER_LENGTH + length;
        }
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
