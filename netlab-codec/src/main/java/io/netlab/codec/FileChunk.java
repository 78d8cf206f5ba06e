package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A block of file data. The decoder hands the payload on as a retained slice of what it read (never a copy),
 * so whoever receives a chunk owns one reference and must release it.
 */
public final class FileChunk extends DefaultByteBufHolder implements FileFrame {

    /**
     * @param content the payload; this chunk takes over the caller's reference. It must not be empty.
     */
    public FileChunk(ByteBuf content) {
        super(content);
        if (!content.isReadable()) {
            throw new IllegalArgumentException("content: 0 bytes (expected: >= 1)");
        }
    }

    @Override
    public FileChunk copy() {
        return (FileChunk) super.copy();
    }

    @Override
    public FileChunk duplicate() {
        return (FileChunk) super.duplicate();
    }

    @Override
    public FileChunk retainedDuplicate() {
        return (FileChunk) super.retainedDuplicate();
    }

    @Override
    public FileChunk replace(ByteBuf content) {
        return new FileChunk(content);
    }

    @Override
    public FileChunk retain() {
        super.retain();
        return this;
    }

    @Override
    public FileChunk retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileChunk touch() {
        super.touch();
        return this;
    }

    @Override
    public FileChunk touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "FileChunk(" + content().readableBytes() + " bytes)";
    }
}
