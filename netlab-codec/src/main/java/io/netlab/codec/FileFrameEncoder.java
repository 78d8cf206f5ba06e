package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

import static io.netlab.codec.FileConstants.END_FIXED_LENGTH;
import static io.netlab.codec.FileConstants.HEADER_BODY_LENGTH;
import static io.netlab.codec.FileConstants.MAX_PATH_LENGTH;
import static io.netlab.codec.FileConstants.REQUEST_FIXED_LENGTH;
import static io.netlab.codec.NetlabFrames.HEADER_LENGTH;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_DATA;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_END;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_HEADER;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_REQUEST;
import static io.netlab.codec.NetlabFrames.TYPE_PUT_DONE;
import static io.netlab.codec.NetlabFrames.TYPE_PUT_READY;
import static io.netlab.codec.NetlabFrames.TYPE_PUT_REQUEST;
import static io.netlab.codec.FileConstants.PUT_READY_BODY_LENGTH;
import static io.netlab.codec.FileConstants.PUT_REQUEST_FIXED_LENGTH;

/**
 * Encodes {@link FileFrame}s in the layout documented on {@link FileFrameDecoder}. Stateless and shared.
 * <p>A {@link FileChunk}'s payload is not copied: the encoder emits an 8-byte header buffer followed by the
 * retained payload, and the transport writes both with one gathering write (like {@code LengthFieldPrepender}).
 * A {@link FileDataRun} is already encoded and is forwarded as it is. Anything that is not a {@link FileFrame}
 * (such as the encoded buffers and file regions of a {@link FileFrameChunkedInput}) passes through untouched.
 */
@Sharable
public final class FileFrameEncoder extends MessageToMessageEncoder<FileFrame> {
    /** The shared instance. */
    public static final FileFrameEncoder INSTANCE = new FileFrameEncoder();

    private FileFrameEncoder() {
        super(FileFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, FileFrame msg, List<Object> out) {
        if (msg instanceof FileChunk chunk) {
            ByteBuf content = chunk.content();
            ByteBuf header = ctx.alloc().ioBuffer(HEADER_LENGTH);
            NetlabFrames.writeHeader(header, TYPE_FILE_DATA, content.readableBytes());
            out.add(header);
            out.add(content.retain());
        } else if (msg instanceof FileDataRun run) {
            out.add(run.content().retain());
        } else if (msg instanceof FileHeader h) {
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + HEADER_BODY_LENGTH);
            NetlabFrames.writeHeader(buf, TYPE_FILE_HEADER, HEADER_BODY_LENGTH);
            buf.writeByte(h.status().id()).writeLong(h.size()).writeLong(h.offset())
                    .writeInt(h.blockSize()).writeByte(h.digest().id());
            out.add(buf);
        } else if (msg instanceof FileEnd e) {
            byte[] value = e.digestValue();
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + END_FIXED_LENGTH + value.length);
            NetlabFrames.writeHeader(buf, TYPE_FILE_END, END_FIXED_LENGTH + value.length);
            buf.writeLong(e.totalBytes()).writeByte(e.digest().id()).writeByte(value.length).writeBytes(value);
            out.add(buf);
        } else if (msg instanceof FileRequest r) {
            int body = REQUEST_FIXED_LENGTH - 2 + NetlabFrames.stringLength("path", r.path(), MAX_PATH_LENGTH);
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + body);
            NetlabFrames.writeHeader(buf, TYPE_FILE_REQUEST, body);
            buf.writeInt(r.blockSize()).writeLong(r.offset()).writeByte(r.digest().id());
            NetlabFrames.writeString(buf, r.path());
            out.add(buf);
        } else if (msg instanceof PutRequest p) {
            int body = PUT_REQUEST_FIXED_LENGTH - 2 + NetlabFrames.stringLength("path", p.path(), MAX_PATH_LENGTH);
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + body);
            NetlabFrames.writeHeader(buf, TYPE_PUT_REQUEST, body);
            buf.writeByte(p.flags()).writeLong(p.size()).writeInt(p.blockSize()).writeByte(p.digest().id());
            NetlabFrames.writeString(buf, p.path());
            out.add(buf);
        } else if (msg instanceof PutReady r) {
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + PUT_READY_BODY_LENGTH);
            NetlabFrames.writeHeader(buf, TYPE_PUT_READY, PUT_READY_BODY_LENGTH);
            buf.writeLong(r.offset()).writeInt(r.blockSize());
            out.add(buf);
        } else if (msg instanceof PutDone d) {
            byte[] value = d.digestValue();
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + END_FIXED_LENGTH + value.length);
            NetlabFrames.writeHeader(buf, TYPE_PUT_DONE, END_FIXED_LENGTH + value.length);
            buf.writeLong(d.size()).writeByte(d.digest().id()).writeByte(value.length).writeBytes(value);
            out.add(buf);
        } else if (msg instanceof FileError err) {
            ByteBuf buf = ctx.alloc().ioBuffer(NetlabFrames.errorFrameLength(err.message()));
            NetlabFrames.writeError(buf, err.code(), err.message());
            out.add(buf);
        } else if (!ListCodec.encode(ctx, msg, out)) {
            throw new EncoderException("unknown message: " + msg.getClass().getName()
                    + " (expected: one of FileRequest, FileHeader, FileChunk, FileDataRun, FileEnd, FileError, PutRequest,"
                    + " PutReady, PutDone, ListRequest, ListEntry, ListEnd)");
        }
    }
}
