package io.netlab.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Words for bytes from a peer that speaks another dialect: the bytes themselves, as escaped text and hex, and what
 * they most likely are ("a raw lab file request for `test.txt`", "an HTTP request", "a TLS handshake", "a netlab
 * frame of another version"). For messages to people only: no protocol decision depends on these guesses.
 * Nothing here consumes the buffers it is given.
 */
public final class ForeignBytes {
    /** The most bytes {@link #show} shows. */
    public static final int SHOWN = 16;

    private static final Pattern SUM_LINE = Pattern.compile("^(.*?)\\s*[,\\t ]\\s*[+-]?\\d{1,10}\\s*$");
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT",
        "TRACE", "PRI"};

    private ForeignBytes() {
    }

    /**
     * The first {@value #SHOWN} readable bytes as escaped text and hex, e.g. {@code "te" (74 65)} or
     * {@code "GET / HTTP/1.1\r\n..." (47 45 54 20 ...)}: printable ASCII as it is, other bytes as {@code \n},
     * {@code \r}, {@code \t} or {@code \xNN}, so that the result is safe on a terminal.
     */
    public static String show(ByteBuf bytes) {
        int r = bytes.readerIndex();
        int n = Math.min(bytes.readableBytes(), SHOWN);
        boolean more = bytes.readableBytes() > SHOWN;
        StringBuilder text = new StringBuilder("\"");
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = bytes.getUnsignedByte(r + i);
            switch (b) {
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '"', '\\' -> text.append('\\').append((char) b);
                default -> text.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format(Locale.ROOT, "\\x%02x", b));
            }
            hex.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", b));
        }
        return text.append(more ? "...\"" : "\"") + " (" + hex + (more ? " ..." : "") + ')';
    }

    /**
     * What a client that sent these first bytes most likely speaks, e.g. {@code "a raw lab file request for
     * `test.txt`"}, {@code "a lab-style sum request `Ana,42`"}, {@code "an HTTP request (GET /a.txt)"},
     * {@code "a TLS handshake"}, {@code "a netlab frame of another version (2)"}.
     *
     * @return the guess, or {@code null} when the bytes look like nothing known
     */
    public static String likelyRequest(ByteBuf bytes) {
        String common = likelyFraming(bytes);
        if (common != null) {
            return common;
        }
        String line = firstLine(bytes);
        if (line == null) {
            return null;
        }
        for (String m : METHODS) {
            if (line.startsWith(m + ' ')) {
                String[] parts = line.split(" ");
                return "an HTTP request (" + m + (parts.length > 1 ? " " + PeerText.escape(parts[1]) : "") + ')';
            }
        }
        if (line.startsWith("SSH-")) {
            return "an SSH client";
        }
        if (SUM_LINE.matcher(line).matches()) {
            return "a lab-style sum request `" + PeerText.escape(line) + '`';
        }
        return line.isEmpty() ? null : "a raw lab file request for `" + PeerText.escape(line) + '`';
    }

    /**
     * What a server that sent these first bytes most likely speaks, e.g. {@code "an HTTP response (HTTP/1.1 400 Bad
     * Request)"}, {@code "netlab frames"}, {@code "text (`HELLO`)"}.
     *
     * @return the guess, or {@code null} when the bytes look like nothing known
     */
    public static String likelyAnswer(ByteBuf bytes) {
        String common = likelyFraming(bytes);
        if (common != null) {
            return common;
        }
        String line = firstLine(bytes);
        if (line == null || line.isEmpty()) {
            return null;
        }
        if (line.startsWith("HTTP/")) {
            return "an HTTP response (" + PeerText.escape(line) + ')';
        }
        if (line.startsWith("SSH-")) {
            return "an SSH server";
        }
        return "text (`" + PeerText.escape(line) + "`)";
    }

    /**
     * The netlab ERROR frame that the readable bytes are, exactly (a server that refuses sends one and closes);
     * both message families share its layout.
     *
     * @return the error, or {@code null} when the bytes are anything else
     */
    public static FileError errorFrame(ByteBuf bytes) {
        int r = bytes.readerIndex();
        int n = bytes.readableBytes();
        if (n < NetlabFrames.HEADER_LENGTH + NetlabFrames.MIN_ERROR_BODY_LENGTH
                || n > NetlabFrames.HEADER_LENGTH + NetlabFrames.MAX_ERROR_BODY_LENGTH
                || bytes.getUnsignedShort(r) != NetlabFrames.MAGIC || bytes.getUnsignedByte(r + 2) != NetlabFrames.VERSION
                || bytes.getUnsignedByte(r + 3) != NetlabFrames.TYPE_ERROR
                || bytes.getUnsignedInt(r + 4) != n - NetlabFrames.HEADER_LENGTH) {
            return null;
        }
        ByteBuf body = bytes.slice(r + NetlabFrames.HEADER_LENGTH, n - NetlabFrames.HEADER_LENGTH);
        try {
            ErrorCode code = ErrorCode.valueOf(body.readUnsignedShort());
            String message = NetlabFrames.readString(body, "message", NetlabFrames.MAX_ERROR_MESSAGE_LENGTH);
            return body.isReadable() ? null : new FileError(code, message);
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    /** netlab and TLS, which a client and a server both start with. */
    private static String likelyFraming(ByteBuf bytes) {
        int r = bytes.readerIndex();
        int n = bytes.readableBytes();
        if (n >= 3 && bytes.getUnsignedShort(r) == NetlabFrames.MAGIC && isVersion(bytes.getUnsignedByte(r + 2))) {
            int version = bytes.getUnsignedByte(r + 2);
            if (version != NetlabFrames.VERSION) {
                return "a netlab frame of another version (" + version + ", expected: " + NetlabFrames.VERSION + ')';
            }
            return n >= 4 ? "a netlab " + NetlabFrames.typeName(bytes.getUnsignedByte(r + 3)) + " frame" : "a netlab frame";
        }
        if (n >= 2 && bytes.getUnsignedByte(r) == 0x16 && bytes.getUnsignedByte(r + 1) == 0x03) {
            return "a TLS handshake";
        }
        return null;
    }

    private static boolean isVersion(int b) {
        return b < 0x20 && b != '\t' && b != '\n' && b != '\r';
    }

    /** {@code length}, less the bytes of a UTF-8 character that starts but does not end within it. */
    private static int wholeCharacters(ByteBuf bytes, int from, int length) {
        for (int i = from + length - 1; i >= Math.max(from, from + length - 3); i--) {
            int b = bytes.getUnsignedByte(i);
            if ((b & 0xC0) != 0x80) {
                int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return from + length - i < need ? i - from : length;
            }
        }
        return length;
    }

    /** The first line of text (at most 64 characters, not yet escaped), or null when the bytes are not UTF-8 text. */
    private static String firstLine(ByteBuf bytes) {
        int r = bytes.readerIndex();
        int n = Math.min(bytes.readableBytes(), 256);
        int end = 0;
        while (end < n) {
            int b = bytes.getUnsignedByte(r + end);
            if (b == '\n' || b == '\r') {
                break;
            }
            if (b < 0x20 && b != '\t' || b == 0x7F) {
                return null;        // control bytes: binary, not text
            }
            end++;
        }
        if (end == n) {
            end = wholeCharacters(bytes, r, end);   // what came may end in the middle of a character
        }
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().decode(bytes.nioBuffer(r, end)).toString();
        } catch (CharacterCodingException e) {
            return null;            // not UTF-8: binary
        }
        return line.length() > 64 ? line.substring(0, 61) + "..." : line;
    }
}
