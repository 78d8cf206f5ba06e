package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

import java.util.List;

import static io.netlab.codec.NetlabFrames.TYPE_ERROR;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_DATA;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_END;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_HEADER;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_REQUEST;
import static io.netlab.codec.FileConstants.END_FIXED_LENGTH;
import static io.netlab.codec.FileConstants.HEADER_BODY_LENGTH;
import static io.netlab.codec.FileConstants.MAX_DIGEST_LENGTH;
import static io.netlab.codec.FileConstants.MAX_PATH_LENGTH;
import static io.netlab.codec.FileConstants.REQUEST_FIXED_LENGTH;

/**
 * Decodes {@link FileFrame}s. Every frame starts with the {@link NetlabFrames netlab header}; the bodies are:
 * <pre>
 * FILE_REQUEST (0x10) +-----------+--------+--------+---------+-------------+
 *                     | blockSize | offset | digest | pathLen | path        |
 *                     | uint32    | int64  | uint8  | uint16  | UTF-8 bytes |
 *                     +-----------+--------+--------+---------+-------------+
 * FILE_HEADER (0x11)  +--------+-------+--------+-----------+--------+
 *                     | status | size  | offset | blockSize | digest |
 *                     | uint8  | int64 | int64  | uint32    | uint8  |
 *                     +--------+-------+--------+-----------+--------+
 * FILE_DATA (0x12)    +------------------------------+
 *                     | payload, 1..maxChunkLength   |
 *                     +------------------------------+
 * FILE_END (0x13)     +------------+--------+-----------+-------------+
 *                     | totalBytes | digest | digestLen | digestValue |
 *                     | int64      | uint8  | uint8     | bytes       |
 *                     +------------+--------+-----------+-------------+
 * LIST_REQUEST, LIST_ENTRY, LIST_END (0x14..0x16): see docs/protocol.md, section 3b
 * ERROR (0x7F)        +--------+--------+-------------+
 *                     | code   | msgLen | message     |
 *                     | uint16 | uint16 | UTF-8 bytes |
 *                     +--------+--------+-------------+
 * </pre>
 * A DATA payload is handed on as a retained slice of the received bytes, never copied. A DATA frame longer than
 * {@code maxChunkLength} is rejected from its header, before any of it is buffered.
 * A server uses {@link #forServer()} (requests only); a client uses {@link #forClient(int)}, and may ask for
 * {@link #coalesceData(boolean) runs} of data frames instead of one message per frame.
 */
public final class FileFrameDecoder extends NetlabFrameDecoder {
    private final int maxChunkLength;
    private final boolean acceptRequests;
    private final boolean acceptResponses;
    private boolean coalesceData;

    /**
     * A decoder that accepts every file frame type.
     *
     * @param maxChunkLength the largest DATA payload accepted: 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @throws IllegalArgumentException when {@code maxChunkLength} is out of range
     */
    public FileFrameDecoder(int maxChunkLength) {
        this(maxChunkLength, true, true);
    }

    private FileFrameDecoder(int maxChunkLength, boolean acceptRequests, boolean acceptResponses) {
        this.maxChunkLength = FileConstants.checkBlockSize("maxChunkLength", maxChunkLength);
        this.acceptRequests = acceptRequests;
        this.acceptResponses = acceptResponses;
    }

    /** {@return a decoder for a server: accepts {@link FileRequest}s and {@link ListRequest}s only} */
    public static FileFrameDecoder forServer() {
        return new FileFrameDecoder(1, true, false);
    }

    /**
     * A decoder for a client: accepts header, data, end, listing ({@link ListEntry}, {@link ListEnd}) and error frames.
     *
     * @param maxChunkLength the block size the client asked for; a larger DATA frame is a protocol error
     * @return a new decoder
     */
    public static FileFrameDecoder forClient(int maxChunkLength) {
        return new FileFrameDecoder(maxChunkLength, false, true);
    }

    /**
     * Hands on consecutive FILE_DATA frames that arrived together as one {@link FileDataRun} (a retained slice of the
     * received bytes, headers included; see {@link FileDataRun#forEachPayload}) instead of one {@link FileChunk}
     * each. For receivers of small blocks: 1 KiB blocks then cost a few nanoseconds each instead of a message each.
     *
     * @param coalesce whether to hand on runs (default: no, one {@link FileChunk} per frame)
     * @return this decoder
     */
    public FileFrameDecoder coalesceData(boolean coalesce) {
        this.coalesceData = coalesce;
        return this;
    }

    @Override
    boolean coalesces(int type) {
        return coalesceData && type == TYPE_FILE_DATA;
    }

    @Override
    void decodeRun(int type, ByteBuf frames, int count, long bodyBytes, List<Object> out) {
        out.add(new FileDataRun(frames.readRetainedSlice(frames.readableBytes()), bodyBytes));
    }

    @Override
    int maxBodyLength(int type) {
        return switch (type) {
            case TYPE_FILE_REQUEST -> acceptRequests ? REQUEST_FIXED_LENGTH + MAX_PATH_LENGTH : -1;
            case TYPE_FILE_HEADER -> acceptResponses ? HEADER_BODY_LENGTH : -1;
            case TYPE_FILE_DATA -> acceptResponses ? maxChunkLength : -1;
            case TYPE_FILE_END -> acceptResponses ? END_FIXED_LENGTH + MAX_DIGEST_LENGTH : -1;
            case TYPE_ERROR -> acceptResponses ? NetlabFrames.MAX_ERROR_BODY_LENGTH : -1;
            default -> ListCodec.maxBodyLength(type, acceptRequests, acceptResponses);
        };
    }

    @Override
    boolean decodesRequests() {
        return acceptRequests;
    }

    @Override
    String expectedTypes() {
        if (acceptRequests && acceptResponses) {
            return "one of FILE_REQUEST (0x10), FILE_HEADER (0x11), FILE_DATA (0x12), FILE_END (0x13), "
                    + "LIST_REQUEST (0x14), LIST_ENTRY (0x15), LIST_END (0x16), ERROR (0x7f)";
        }
        return acceptRequests ? "one of FILE_REQUEST (0x10), LIST_REQUEST (0x14)"
                : "one of FILE_HEADER (0x11), FILE_DATA (0x12), FILE_END (0x13), LIST_ENTRY (0x15), LIST_END (0x16), "
                + "ERROR (0x7f)";
    }

    @Override
    void decodeBody(int type, ByteBuf body, List<Object> out) {
        switch (type) {
            case TYPE_FILE_DATA -> {
                if (!body.isReadable()) {
                    throw new CorruptedFrameException("FILE_DATA length: 0 (expected: >= 1)");
                }
                out.add(new FileChunk(body.readRetainedSlice(body.readableBytes())));
            }
            case TYPE_FILE_REQUEST -> {
                NetlabFrames.require(body, REQUEST_FIXED_LENGTH - 2, "request fields");
                int blockSize = body.readInt();     // uint32 on the wire; the server range-checks it
                long offset = body.readLong();
                DigestAlgorithm digest = digest(body.readUnsignedByte());
                String path = NetlabFrames.readString(body, "path", MAX_PATH_LENGTH);
                out.add(new FileRequest(path, blockSize, offset, digest));
            }
            case TYPE_FILE_HEADER -> {
                NetlabFrames.require(body, HEADER_BODY_LENGTH, "header fields");
                int statusId = body.readUnsignedByte();
                FileHeader.Status status = FileHeader.Status.fromId(statusId);
                if (status == null) {
                    throw new CorruptedFrameException("status: " + statusId + " (expected: 0 OK or 1 PARTIAL)");
                }
                long size = body.readLong();
                long offset = body.readLong();
                long blockSize = body.readUnsignedInt();
                DigestAlgorithm digest = digest(body.readUnsignedByte());
                if (size < 0) {
                    throw new CorruptedFrameException("size: " + size + " (expected: >= 0)");
                }
                if (offset < 0 || offset > size) {
                    throw new CorruptedFrameException("offset: " + offset + " (expected: 0.." + size + ')');
                }
                if (blockSize < 1 || blockSize > maxChunkLength) {
                    throw new CorruptedFrameException(
                            "blockSize: " + blockSize + " (expected: 1.." + maxChunkLength + ')');
                }
                out.add(new FileHeader(status, size, offset, (int) blockSize, digest));
            }
            case TYPE_FILE_END -> {
                NetlabFrames.require(body, END_FIXED_LENGTH, "end fields");
                long total = body.readLong();
                if (total < 0) {
                    throw new CorruptedFrameException("totalBytes: " + total + " (expected: >= 0)");
                }
                DigestAlgorithm digest = digest(body.readUnsignedByte());
                int length = body.readUnsignedByte();
                if (length != digest.length()) {
                    throw new CorruptedFrameException(
                            "digestLen: " + length + " (expected: " + digest.length() + " for " + digest + ')');
                }
                NetlabFrames.require(body, length, "digestValue");
                byte[] value = new byte[length];
                body.readBytes(value);
                out.add(new FileEnd(total, digest, value));
            }
            case TYPE_ERROR -> {
                NetlabFrames.require(body, 2, "code");
                ErrorCode code = ErrorCode.valueOf(body.readUnsignedShort());
                out.add(new FileError(code, NetlabFrames.readString(body, "message", NetlabFrames.MAX_ERROR_MESSAGE_LENGTH)));
            }
            default -> ListCodec.decode(type, body, out);
        }
    }

    private static DigestAlgorithm digest(int id) {
        DigestAlgorithm d = DigestAlgorithm.fromId(id);
        if (d == null) {
            throw new CorruptedFrameException("digest: " + id + " (expected: 0 none, 1 crc32c or 2 sha256)");
        }
        return d;
    }
}
