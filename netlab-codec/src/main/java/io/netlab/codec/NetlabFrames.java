package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The frame header shared by the file and sum protocols, and the field helpers their codecs use (package-private:
 * embedders use the codecs, not these).
 * <pre>
 *  0       1       2         3       4                     8
 * +-------+-------+---------+-------+---------------------+----------------+
 * | 'N'   | 'L'   | version | type  | length              | body           |
 * | 0x4E  | 0x4C  | uint8=1 | uint8 | uint32, big-endian  | length bytes   |
 * +-------+-------+---------+-------+---------------------+----------------+
 * </pre>
 * {@code length} counts the body only. Strings are a uint16 byte count followed by UTF-8.
 */
final class NetlabFrames {
    /** The two magic bytes {@code "NL"} as a big-endian short. */
    static final int MAGIC = 0x4E4C;
    /** The protocol version this library speaks. */
    static final int VERSION = 1;
    /** Bytes in the frame header. */
    static final int HEADER_LENGTH = 8;

    /** Name/int request: name, number. */
    static final int TYPE_SUM_REQUEST = 0x01;
    /** Name/int reply: name, number, sum. */
    static final int TYPE_SUM_REPLY = 0x02;
    /** File request: block size, offset, digest, path. */
    static final int TYPE_FILE_REQUEST = 0x10;
    /** File header: status, size, offset, block size, digest. */
    static final int TYPE_FILE_HEADER = 0x11;
    /** File data: the payload bytes. */
    static final int TYPE_FILE_DATA = 0x12;
    /** File end: total bytes and digest. */
    static final int TYPE_FILE_END = 0x13;
    /** Listing request: flags, path. */
    static final int TYPE_LIST_REQUEST = 0x14;
    /** Listing entry: kind, size, modified, path. */
    static final int TYPE_LIST_ENTRY = 0x15;
    /** Listing end: number of entries. */
    static final int TYPE_LIST_END = 0x16;
    /** Upload request: flags, size, block size, digest, path. */
    static final int TYPE_PUT_REQUEST = 0x18;
    /** Upload accepted: offset, block size. */
    static final int TYPE_PUT_READY = 0x19;
    /** Upload installed: size and digest. */
    static final int TYPE_PUT_DONE = 0x1A;
    /** Error, in either protocol: code and message. */
    static final int TYPE_ERROR = 0x7F;

    /** The largest error message, in UTF-8 bytes. */
    static final int MAX_ERROR_MESSAGE_LENGTH = 1024;
    /** Body length of an ERROR frame with an empty message. */
    static final int MIN_ERROR_BODY_LENGTH = 4;
    /** The largest body of an ERROR frame. */
    static final int MAX_ERROR_BODY_LENGTH = MIN_ERROR_BODY_LENGTH + MAX_ERROR_MESSAGE_LENGTH;

    private NetlabFrames() {
    }

    /** A readable name for a frame type, e.g. {@code "FILE_DATA (0x12)"}. */
    static String typeName(int type) {
        String name = switch (type) {
            case TYPE_SUM_REQUEST -> "SUM_REQUEST";
            case TYPE_SUM_REPLY -> "SUM_REPLY";
            case TYPE_FILE_REQUEST -> "FILE_REQUEST";
            case TYPE_FILE_HEADER -> "FILE_HEADER";
            case TYPE_FILE_DATA -> "FILE_DATA";
            case TYPE_FILE_END -> "FILE_END";
            case TYPE_LIST_REQUEST -> "LIST_REQUEST";
            case TYPE_LIST_ENTRY -> "LIST_ENTRY";
            case TYPE_LIST_END -> "LIST_END";
            case TYPE_PUT_REQUEST -> "PUT_REQUEST";
            case TYPE_PUT_READY -> "PUT_READY";
            case TYPE_PUT_DONE -> "PUT_DONE";
            case TYPE_ERROR -> "ERROR";
            default -> "unknown";
        };
        return String.format(Locale.ROOT, "%s (0x%02x)", name, type);
    }

    /**
     * The one range check of the codecs: {@code value} as an int when it lies in {@code min..max}.
     *
     * @throws IllegalArgumentException {@code "field: value (expected: min..max)"} otherwise
     */
    static int checkRange(String field, long value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + min + ".." + max + ')');
        }
        return (int) value;
    }

    /** Writes a frame header. */
    static ByteBuf writeHeader(ByteBuf out, int type, int bodyLength) {
        return out.writeShort(MAGIC).writeByte(VERSION).writeByte(type).writeInt(bodyLength);
    }

    /**
     * The number of bytes {@link #writeString} will write for {@code value}, checked against a limit.
     *
     * @throws EncoderException when the UTF-8 form is longer than {@code maxBytes}
     */
    static int stringLength(String field, CharSequence value, int maxBytes) {
        int n = ByteBufUtil.utf8Bytes(value);
        if (n > maxBytes) {
            throw new EncoderException(field + ": " + n + " bytes of UTF-8 (expected: <= " + maxBytes + ')');
        }
        return 2 + n;
    }

    /** Writes a uint16 byte count and the UTF-8 bytes; call {@link #stringLength} first. */
    static void writeString(ByteBuf out, CharSequence value) {
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        int n = ByteBufUtil.writeUtf8(out, value);
        out.setShort(lengthIndex, n);
    }

    /**
     * Reads a string written by {@link #writeString}, decoding UTF-8 strictly.
     *
     * @throws TooLongFrameException when the count exceeds {@code maxBytes}
     * @throws CorruptedFrameException when the body is too short or the bytes are not valid UTF-8
     */
    static String readString(ByteBuf body, String field, int maxBytes) {
        require(body, 2, field + " length");
        int n = body.readUnsignedShort();
        if (n > maxBytes) {
            throw new TooLongFrameException(field + ": " + n + " bytes (expected: <= " + maxBytes + ')');
        }
        require(body, n, field);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body.nioBuffer(body.readerIndex(), n))
                    .toString();
            body.skipBytes(n);
            return s;
        } catch (CharacterCodingException e) {
            throw new CorruptedFrameException(field + ": invalid UTF-8 (expected: well-formed UTF-8)", e);
        }
    }

    /**
     * Checks that {@code body} still holds {@code n} bytes for {@code field}.
     *
     * @throws CorruptedFrameException when it does not
     */
    static void require(ByteBuf body, int n, String field) {
        if (body.readableBytes() < n) {
            throw new CorruptedFrameException(field + ": " + body.readableBytes()
                    + " bytes left in frame (expected: >= " + n + ')');
        }
    }

    /** Writes a whole ERROR frame. */
    static void writeError(ByteBuf out, ErrorCode code, String message) {
        String m = truncate(message, MAX_ERROR_MESSAGE_LENGTH);
        writeHeader(out, TYPE_ERROR, MIN_ERROR_BODY_LENGTH + ByteBufUtil.utf8Bytes(m));
        out.writeShort(code.code());
        writeString(out, m);
    }

    /** Bytes an ERROR frame with this message takes on the wire. */
    static int errorFrameLength(String message) {
        return HEADER_LENGTH + MIN_ERROR_BODY_LENGTH + ByteBufUtil.utf8Bytes(truncate(message, MAX_ERROR_MESSAGE_LENGTH));
    }

    /**
     * Shortens {@code s} so that its UTF-8 form fits {@code maxBytes}, never splitting a character;
     * error messages are cut rather than refused, because an error must always get through.
     */
    static String truncate(String s, int maxBytes) {
        if (ByteBufUtil.utf8Bytes(s) <= maxBytes) {
            return s;
        }
        int end = s.length();
        while (end > 0 && ByteBufUtil.utf8Bytes(s, 0, end) > maxBytes - 3) {
            end--;
            if (end > 0 && Character.isLowSurrogate(s.charAt(end)) && Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
        }
        return s.substring(0, end) + "...";
    }
}
