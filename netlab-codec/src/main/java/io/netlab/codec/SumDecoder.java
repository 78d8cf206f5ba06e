package io.netlab.codec;

import io.netty.buffer.ByteBuf;

import java.util.List;

import static io.netlab.codec.NetlabFrames.TYPE_ERROR;
import static io.netlab.codec.NetlabFrames.TYPE_SUM_REPLY;
import static io.netlab.codec.NetlabFrames.TYPE_SUM_REQUEST;
import static io.netlab.codec.SumConstants.MAX_NAME_LENGTH;
import static io.netlab.codec.SumConstants.REPLY_FIXED_LENGTH;
import static io.netlab.codec.SumConstants.REQUEST_FIXED_LENGTH;

/**
 * Decodes {@link SumFrame}s. Every frame starts with the {@link NetlabFrames netlab header};
 * the bodies are:
 * <pre>
 * SUM_REQUEST (0x01)  +---------+-------------+--------+
 *                     | nameLen | name        | value  |
 *                     | uint16  | UTF-8 bytes | int32  |
 *                     +---------+-------------+--------+
 * SUM_REPLY (0x02)    +---------+-------------+--------+-------+
 *                     | nameLen | name        | value  | sum   |
 *                     | uint16  | UTF-8 bytes | int32  | int64 |
 *                     +---------+-------------+--------+-------+
 * ERROR (0x7F)        +--------+--------+-------------+
 *                     | code   | msgLen | message     |
 *                     | uint16 | uint16 | UTF-8 bytes |
 *                     +--------+--------+-------------+
 * </pre>
 * Names are decoded strictly (malformed UTF-8 is an error, never replaced) and capped at {@code maxNameLength}
 * bytes; the frame length is checked against that cap before any body is buffered.
 * A server pipeline uses {@link #forServer()}, which accepts requests only; a client uses {@link #forClient()}.
 */
public final class SumDecoder extends NetlabFrameDecoder {
    private final int maxNameLength;
    private final boolean acceptRequests;
    private final boolean acceptReplies;

    /**
     * A decoder that accepts every sum frame type.
     *
     * @param maxNameLength the longest name accepted, in bytes of UTF-8: 0 to {@value SumConstants#MAX_NAME_LENGTH}
     * @throws IllegalArgumentException when {@code maxNameLength} is out of range
     */
    public SumDecoder(int maxNameLength) {
        this(maxNameLength, true, true);
    }

    private SumDecoder(int maxNameLength, boolean acceptRequests, boolean acceptReplies) {
        if (maxNameLength < 0 || maxNameLength > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "maxNameLength: " + maxNameLength + " (expected: 0.." + MAX_NAME_LENGTH + ')');
        }
        this.maxNameLength = maxNameLength;
        this.acceptRequests = acceptRequests;
        this.acceptReplies = acceptReplies;
    }

    /** {@return a decoder for a server: accepts {@link SumRequest} requests only, names up to 1024 bytes} */
    public static SumDecoder forServer() {
        return new SumDecoder(MAX_NAME_LENGTH, true, false);
    }

    /** {@return a decoder for a client: accepts {@link SumReply} and {@link SumError} only} */
    public static SumDecoder forClient() {
        return new SumDecoder(MAX_NAME_LENGTH, false, true);
    }

    @Override
    int maxBodyLength(int type) {
        return switch (type) {
            case TYPE_SUM_REQUEST -> acceptRequests ? REQUEST_FIXED_LENGTH + maxNameLength : -1;
            case TYPE_SUM_REPLY -> acceptReplies ? REPLY_FIXED_LENGTH + maxNameLength : -1;
            case TYPE_ERROR -> acceptReplies ? NetlabFrames.MAX_ERROR_BODY_LENGTH : -1;
            default -> -1;
        };
    }

    @Override
    boolean decodesRequests() {
        return acceptRequests;
    }

    @Override
    String expectedTypes() {
        if (acceptRequests && acceptReplies) {
            return "one of SUM_REQUEST (0x01), SUM_REPLY (0x02), ERROR (0x7f)";
        }
        return acceptRequests ? "SUM_REQUEST (0x01)" : "SUM_REPLY (0x02) or ERROR (0x7f)";
    }

    @Override
    void decodeBody(int type, ByteBuf body, List<Object> out) {
        switch (type) {
            case TYPE_SUM_REQUEST -> {
                String name = NetlabFrames.readString(body, "name", maxNameLength);
                NetlabFrames.require(body, 4, "value");
                out.add(new SumRequest(name, body.readInt()));
            }
            case TYPE_SUM_REPLY -> {
                String name = NetlabFrames.readString(body, "name", maxNameLength);
                NetlabFrames.require(body, 12, "value and sum");
                out.add(new SumReply(name, body.readInt(), body.readLong()));
            }
            case TYPE_ERROR -> {
                NetlabFrames.require(body, 2, "code");
                ErrorCode code = ErrorCode.valueOf(body.readUnsignedShort());
                String message = NetlabFrames.readString(body, "message", NetlabFrames.MAX_ERROR_MESSAGE_LENGTH);
                out.add(new SumError(code, message));
            }
            default -> throw new AssertionError(type);
        }
    }
}
