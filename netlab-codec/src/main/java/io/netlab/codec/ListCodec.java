package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import static io.netlab.codec.FileConstants.MAX_PATH_LENGTH;
import static io.netlab.codec.NetlabFrames.HEADER_LENGTH;
import static io.netlab.codec.NetlabFrames.TYPE_LIST_END;
import static io.netlab.codec.NetlabFrames.TYPE_LIST_ENTRY;
import static io.netlab.codec.NetlabFrames.TYPE_LIST_REQUEST;

/**
 * The listing frames' layouts (docs/protocol.md, section 3b), for {@link FileFrameEncoder} and
 * {@link FileFrameDecoder}, kept apart from the transfer frames:
 * <pre>
 * LIST_REQUEST (0x14) +-------+---------+-------------+
 *                     | flags | pathLen | path        |
 *                     | uint8 | uint16  | UTF-8 bytes |
 *                     +-------+---------+-------------+
 * LIST_ENTRY (0x15)   +-------+-------+----------+---------+-------------+
 *                     | kind  | size  | modified | pathLen | path        |
 *                     | uint8 | int64 | int64    | uint16  | UTF-8 bytes |
 *                     +-------+-------+----------+---------+-------------+
 * LIST_END (0x16)     +---------+
 *                     | entries |
 *                     | int64   |
 *                     +---------+
 * </pre>
 */
final class ListCodec {
    /** LIST_REQUEST body without the path's bytes. */
    static final int REQUEST_FIXED_LENGTH = 1 + 2;
    /** LIST_ENTRY body without the path's bytes. */
    static final int ENTRY_FIXED_LENGTH = 1 + 8 + 8 + 2;
    /** LIST_END body. */
    static final int END_BODY_LENGTH = 8;
    /** The longest segment of a path, in UTF-8 bytes. */
    static final int MAX_SEGMENT_BYTES = 255;

    private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("^[A-Za-z]:([/\\\\].*)?$");

    private ListCodec() {
    }

    /** The largest body of a listing frame type, or -1 for a type that is not one or is not accepted. */
    static int maxBodyLength(int type, boolean requests, boolean responses) {
        return switch (type) {
            case TYPE_LIST_REQUEST -> requests ? REQUEST_FIXED_LENGTH + MAX_PATH_LENGTH : -1;
            case TYPE_LIST_ENTRY -> responses ? ENTRY_FIXED_LENGTH + MAX_PATH_LENGTH : -1;
            case TYPE_LIST_END -> responses ? END_BODY_LENGTH : -1;
            default -> -1;
        };
    }

    /** Whether {@code type} is one of the listing frames. */
    static boolean isListType(int type) {
        return type == TYPE_LIST_REQUEST || type == TYPE_LIST_ENTRY || type == TYPE_LIST_END;
    }

    /** Decodes a listing frame's body. */
    static void decode(int type, ByteBuf body, List<Object> out) {
        switch (type) {
            case TYPE_LIST_REQUEST -> {
                NetlabFrames.require(body, 1, "flags");
                int flags = body.readUnsignedByte();
                out.add(new ListRequest(flags, NetlabFrames.readString(body, "path", MAX_PATH_LENGTH)));
            }
            case TYPE_LIST_ENTRY -> {
                NetlabFrames.require(body, ENTRY_FIXED_LENGTH - 2, "entry fields");
                int kindId = body.readUnsignedByte();
                ListEntry.Kind kind = ListEntry.Kind.fromId(kindId);
                if (kind == null) {
                    throw new CorruptedFrameException(
                            "kind: " + kindId + " (expected: 0 FILE, 1 DIRECTORY, 2 OTHER or 3 SKIPPED)");
                }
                long size = body.readLong();
                if (size < 0) {
                    throw new CorruptedFrameException("size: " + size + " (expected: >= 0)");
                }
                long modified = body.readLong();
                String path = NetlabFrames.readString(body, "path", MAX_PATH_LENGTH);
                String problem = pathProblem(path);
                if (problem != null) {
                    throw new CorruptedFrameException(problem);
                }
                out.add(new ListEntry(kind, size, modified, path));
            }
            case TYPE_LIST_END -> {
                NetlabFrames.require(body, END_BODY_LENGTH, "entries");
                long entries = body.readLong();
                if (entries < 0) {
                    throw new CorruptedFrameException("entries: " + entries + " (expected: >= 0)");
                }
                out.add(new ListEnd(entries));
            }
            default -> throw new AssertionError(type);
        }
    }

    /** Encodes a listing frame; returns false when {@code msg} is not one. */
    static boolean encode(ChannelHandlerContext ctx, FileFrame msg, List<Object> out) {
        if (msg instanceof ListEntry e) {
            int body = ENTRY_FIXED_LENGTH - 2 + NetlabFrames.stringLength("path", e.path(), MAX_PATH_LENGTH);
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + body);
            NetlabFrames.writeHeader(buf, TYPE_LIST_ENTRY, body);
            buf.writeByte(e.kind().id()).writeLong(e.size()).writeLong(e.modified());
            NetlabFrames.writeString(buf, e.path());
            out.add(buf);
        } else if (msg instanceof ListEnd e) {
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + END_BODY_LENGTH);
            NetlabFrames.writeHeader(buf, TYPE_LIST_END, END_BODY_LENGTH);
            out.add(buf.writeLong(e.entries()));
        } else if (msg instanceof ListRequest r) {
            int body = REQUEST_FIXED_LENGTH - 2 + NetlabFrames.stringLength("path", r.path(), MAX_PATH_LENGTH);
            ByteBuf buf = ctx.alloc().ioBuffer(HEADER_LENGTH + body);
            NetlabFrames.writeHeader(buf, TYPE_LIST_REQUEST, body);
            buf.writeByte(r.flags());
            NetlabFrames.writeString(buf, r.path());
            out.add(buf);
        } else {
            return false;
        }
        return true;
    }

    /**
     * What is wrong with a listed path, or null when it keeps the rules of a path (docs/protocol.md, "Paths"):
     * not empty, relative, no NUL or backslash, no empty, {@code .} or {@code ..} segment, segments of at most
     * 255 bytes and at most 4096 bytes in all.
     */
    static String pathProblem(String path) {
        String shown = PeerText.escape(path);
        if (path.isEmpty()) {
            return "path: empty (expected: a relative path)";
        }
        if (path.indexOf('\0') >= 0) {
            return "path: " + shown + " contains a NUL character";
        }
        if (path.indexOf('\\') >= 0) {
            return "path: " + shown + " contains a backslash (expected: '/' as the separator)";
        }
        if (path.startsWith("/") || WINDOWS_ABSOLUTE.matcher(path).matches()) {
            return "path: " + shown + " is absolute (expected: a relative path)";
        }
        int total = ByteBufUtil.utf8Bytes(path);
        if (total > MAX_PATH_LENGTH) {
            return "path: " + total + " bytes (expected: <= " + MAX_PATH_LENGTH + ')';
        }
        for (String s : path.split("/", -1)) {
            if (s.isEmpty()) {
                return "path: " + shown + " contains an empty segment";
            }
            if (s.equals(".") || s.equals("..")) {
                return "path: " + shown + " contains a '" + s + "' segment (expected: a path inside the listed directory)";
            }
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "path: a segment is " + s.getBytes(StandardCharsets.UTF_8).length + " bytes long (expected: <= "
                        + MAX_SEGMENT_BYTES + ')';
            }
        }
        return null;
    }
}
