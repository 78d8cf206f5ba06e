package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

import java.util.ArrayList;
import java.util.List;

import static io.netlab.codec.NetlabFrames.TYPE_ERROR;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_DATA;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_END;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_HEADER;
import static io.netlab.codec.NetlabFrames.TYPE_FILE_REQUEST;
import static io.netlab.codec.NetlabFrames.TYPE_LIST_END;
import static io.netlab.codec.NetlabFrames.TYPE_LIST_ENTRY;
import static io.netlab.codec.NetlabFrames.TYPE_LIST_REQUEST;
import static io.netlab.codec.NetlabFrames.TYPE_PUT_DONE;
import static io.netlab.codec.NetlabFrames.TYPE_PUT_READY;
import static io.netlab.codec.NetlabFrames.TYPE_PUT_REQUEST;
import static io.netlab.codec.FileConstants.PUT_READY_BODY_LENGTH;
import static io.netlab.codec.FileConstants.PUT_REQUEST_FIXED_LENGTH;
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
 * PUT_REQUEST (0x18)  +-------+-------+-----------+--------+---------+-------------+
 *                     | flags | size  | blockSize | digest | pathLen | path        |
 *                     | uint8 | int64 | uint32    | uint8  | uint16  | UTF-8 bytes |
 *                     +-------+-------+-----------+--------+---------+-------------+
 * PUT_READY (0x19)    +--------+-----------+
 *                     | offset | blockSize |
 *                     | int64  | uint32    |
 *                     +--------+-----------+
 * PUT_DONE (0x1A)     +-------+--------+-----------+-------------+
 *                     | size  | digest | digestLen | digestValue |
 *                     | int64 | uint8  | uint8     | bytes       |
 *                     +-------+--------+-----------+-------------+
 * LIST_REQUEST, LIST_ENTRY, LIST_END (0x14..0x16): see docs/protocol.md, section 3b
 * ERROR (0x7F)        +--------+--------+-------------+
 *                     | code   | msgLen | message     |
 *                     | uint16 | uint16 | UTF-8 bytes |
 *                     +--------+--------+-------------+
 * </pre>
 * A DATA payload is handed on as a retained slice of the received bytes, never copied. A DATA frame longer than
 * {@code maxChunkLength} is rejected from its header, before any of it is buffered.
 * A server uses {@link #forServer()} (requests only; once it has answered an upload's {@link PutRequest} with
 * {@link PutReady}, {@link #acceptUpload(int)} lets the upload's data and end in, and {@link #endUpload()} stops
 * them again); a fetching client uses {@link #forClient(int)}, and may ask for {@link #coalesceData(boolean) runs}
 * of data frames instead of one message per frame; an uploading client uses {@link #forUploadClient()}.
 */
public final class FileFrameDecoder extends NetlabFrameDecoder {
    private final int maxChunkLength;
    private final boolean acceptRequests;
    private final boolean acceptResponses;
    private final boolean acceptPutAnswers;
    /** Above 0 while an upload's data may come: the largest FILE_DATA payload agreed in PUT_READY. */
    private int uploadBlockSize;
    private boolean coalesceData;

    /**
     * A decoder that accepts every file frame type.
     *
     * @param maxChunkLength the largest DATA payload accepted: 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @throws IllegalArgumentException when {@code maxChunkLength} is out of range
     */
    public FileFrameDecoder(int maxChunkLength) {
        this(maxChunkLength, true, true, true);
    }

    private FileFrameDecoder(int maxChunkLength, boolean acceptRequests, boolean acceptResponses,
                             boolean acceptPutAnswers) {
        this.maxChunkLength = FileConstants.checkBlockSize("maxChunkLength", maxChunkLength);
        this.acceptRequests = acceptRequests;
        this.acceptResponses = acceptResponses;
        this.acceptPutAnswers = acceptPutAnswers;
    }

    /**
     * {@return a decoder for a server: accepts {@link FileRequest}s, {@link ListRequest}s and {@link PutRequest}s,
     * and an upload's data and end only between {@link #acceptUpload(int)} and {@link #endUpload()}}
     */
    public static FileFrameDecoder forServer() {
        return new FileFrameDecoder(1, true, false, false);
    }

    /** {@return a decoder for an uploading client: accepts {@link PutReady}, {@link PutDone} and {@link FileError}} */
    public static FileFrameDecoder forUploadClient() {
        return new FileFrameDecoder(1, false, false, true);
    }

    /**
     * From now on, accepts an upload's FILE_DATA frames of at most {@code blockSize} bytes (a longer one is refused
     * from its header, before any of it is buffered) and its FILE_END, and nothing else, until {@link #endUpload()}.
     * A server calls it when it sends {@link PutReady}, before it reads again.
     *
     * @param blockSize the block size agreed in the {@link PutReady}: 1 to {@value FileConstants#MAX_BLOCK_SIZE}
     * @return this decoder
     * @throws IllegalArgumentException when {@code blockSize} is out of range
     */
    public FileFrameDecoder acceptUpload(int blockSize) {
        this.uploadBlockSize = FileConstants.checkBlockSize("blockSize", blockSize);
        return this;
    }

    /**
     * Stops accepting an upload's data and end: the decoder accepts what its role did before
     * {@link #acceptUpload(int)}.
     *
     * @return this decoder
     */
    public FileFrameDecoder endUpload() {
        this.uploadBlockSize = 0;
        return this;
    }

    /**
     * A decoder for a fetching client: accepts header, data, end, listing ({@link ListEntry}, {@link ListEnd}) and
     * error frames.
     *
     * @param maxChunkLength the block size the client asked for; a larger DATA frame is a protocol error
     * @return a new decoder
     */
    public static FileFrameDecoder forClient(int maxChunkLength) {
        return new FileFrameDecoder(maxChunkLength, false, true, false);
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
        if (uploadBlockSize > 0) {
            // an upload runs: its data and end, nothing else
            return switch (type) {
                case TYPE_FILE_DATA -> uploadBlockSize;
                case TYPE_FILE_END -> END_FIXED_LENGTH + MAX_DIGEST_LENGTH;
                default -> -1;
            };
        }
        return switch (type) {
            case TYPE_FILE_REQUEST -> acceptRequests ? REQUEST_FIXED_LENGTH + MAX_PATH_LENGTH : -1;
            case TYPE_PUT_REQUEST -> acceptRequests ? PUT_REQUEST_FIXED_LENGTH + MAX_PATH_LENGTH : -1;
            case TYPE_FILE_HEADER -> acceptResponses ? HEADER_BODY_LENGTH : -1;
            case TYPE_FILE_DATA -> acceptResponses ? maxChunkLength : -1;
            case TYPE_FILE_END -> acceptResponses ? END_FIXED_LENGTH + MAX_DIGEST_LENGTH : -1;
            case TYPE_PUT_READY -> acceptPutAnswers ? PUT_READY_BODY_LENGTH : -1;
            case TYPE_PUT_DONE -> acceptPutAnswers ? END_FIXED_LENGTH + MAX_DIGEST_LENGTH : -1;
            case TYPE_ERROR -> acceptResponses || acceptPutAnswers ? NetlabFrames.MAX_ERROR_BODY_LENGTH : -1;
            default -> ListCodec.maxBodyLength(type, acceptRequests, acceptResponses);
        };
    }

    /** Every type of the file family, in the order {@link #expectedTypes()} names them. */
    private static final int[] FILE_TYPES = {TYPE_FILE_REQUEST, TYPE_LIST_REQUEST, TYPE_PUT_REQUEST, TYPE_FILE_HEADER,
        TYPE_FILE_DATA, TYPE_FILE_END, TYPE_LIST_ENTRY, TYPE_LIST_END, TYPE_PUT_READY, TYPE_PUT_DONE, TYPE_ERROR};

    @Override
    boolean decodesRequests() {
        return acceptRequests;
    }

    @Override
    String expectedTypes() {
        List<String> names = new ArrayList<>();
        for (int type : FILE_TYPES) {
            if (maxBodyLength(type) >= 0) {
                names.add(NetlabFrames.typeName(type));
            }
        }
        return names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names);
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
            case TYPE_PUT_REQUEST -> {
                NetlabFrames.require(body, PUT_REQUEST_FIXED_LENGTH - 2, "put request fields");
                int flags = body.readUnsignedByte();
                if ((flags & ~PutRequest.KNOWN_FLAGS) != 0) {
                    throw new CorruptedFrameException("flags: 0x" + Integer.toHexString(flags)
                            + " (expected: " + PutRequest.EXPECTED_FLAGS + ')');
                }
                long size = body.readLong();
                if (size < 0) {
                    throw new CorruptedFrameException("size: " + size + " (expected: >= 0)");
                }
                int blockSize = body.readInt();     // uint32 on the wire; the server range-checks it
                DigestAlgorithm digest = digest(body.readUnsignedByte());
                String path = NetlabFrames.readString(body, "path", MAX_PATH_LENGTH);
                out.add(new PutRequest(path, size, blockSize, digest, flags));
            }
            case TYPE_PUT_READY -> {
                NetlabFrames.require(body, PUT_READY_BODY_LENGTH, "ready fields");
                long offset = body.readLong();
                long blockSize = body.readUnsignedInt();
                if (offset < 0) {
                    throw new CorruptedFrameException("offset: " + offset + " (expected: >= 0)");
                }
                if (blockSize < 1 || blockSize > FileConstants.MAX_BLOCK_SIZE) {
                    throw new CorruptedFrameException(
                            "blockSize: " + blockSize + " (expected: 1.." + FileConstants.MAX_BLOCK_SIZE + ')');
                }
                out.add(new PutReady(offset, (int) blockSize));
            }
            case TYPE_PUT_DONE -> {
                NetlabFrames.require(body, END_FIXED_LENGTH, "done fields");
                long size = body.readLong();
                if (size < 0) {
                    throw new CorruptedFrameException("size: " + size + " (expected: >= 0)");
                }
                DigestAlgorithm digest = digest(body.readUnsignedByte());
                out.add(new PutDone(size, digest, digestValue(body, digest)));
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
                out.add(new FileEnd(total, digest, digestValue(body, digest)));
            }
            case TYPE_ERROR -> {
                NetlabFrames.require(body, 2, "code");
                ErrorCode code = ErrorCode.valueOf(body.readUnsignedShort());
                out.add(new FileError(code, NetlabFrames.readString(body, "message", NetlabFrames.MAX_ERROR_MESSAGE_LENGTH)));
            }
            default -> ListCodec.decode(type, body, out);
        }
    }

    /** Reads {@code digestLen} and {@code digestValue}, as FILE_END and PUT_DONE carry them. */
    private static byte[] digestValue(ByteBuf body, DigestAlgorithm digest) {
        int length = body.readUnsignedByte();
        if (length != digest.length()) {
            throw new CorruptedFrameException(
                    "digestLen: " + length + " (expected: " + digest.length() + " for " + digest + ')');
        }
        NetlabFrames.require(body, length, "digestValue");
        byte[] value = new byte[length];
        body.readBytes(value);
        return value;
    }

    private static DigestAlgorithm digest(int id) {
        DigestAlgorithm d = DigestAlgorithm.fromId(id);
        if (d == null) {
            throw new CorruptedFrameException("digest: " + id + " (expected: 0 none, 1 crc32c or 2 sha256)");
        }
        return d;
    }
}
