package io.netlab.server;

import io.netty.buffer.ByteBuf;

/**
 * What the first bytes of a connection say about the peer, for the servers that speak several dialects on one port
 * (Netty's port unification): a netlab frame, a TLS handshake, an HTTP request, or text (a lab-style request: a
 * file name, a {@code NAME,NUMBER} line). A decision is made as early as the bytes allow, and never on fewer bytes
 * than can tell the dialects apart:
 * <ul>
 *   <li>netlab: {@code 'N' 'L'}, a version byte (a control character other than TAB, LF, CR, as no text has), a type
 *       byte — all four are checked, since names starting with "NL" exist;</li>
 *   <li>TLS: {@code 0x16 0x03} (a handshake record);</li>
 *   <li>HTTP: a whole request line, {@code METHOD SP target SP HTTP/d.d}: an upper-case word alone is not enough
 *       (a file may be called {@code GET me}), so the line's end is awaited;</li>
 *   <li>text: anything else.</li>
 * </ul>
 * When the input has ended (a pause, a half-close) the bytes are classified as they are: {@code "N"} or
 * {@code "NL"} alone is a short name, {@code "NL"} and a version byte is a netlab peer that stopped mid-header.
 */
final class FirstBytes {
    /** The longest HTTP request line awaited before the bytes are taken for text. */
    static final int MAX_REQUEST_LINE = 8192;

    /** The kinds of peers told apart. */
    enum Kind { NETLAB, TLS, HTTP, TEXT }

    private FirstBytes() {
    }

    /**
     * Classifies the readable bytes of {@code in} (not consumed).
     *
     * @param ended whether no more bytes are coming for now (a pause, a half-close)
     * @return the kind, or {@code null} when more bytes are needed to tell
     */
    static Kind classify(ByteBuf in, boolean ended) {
        int n = in.readableBytes();
        if (n == 0) {
            return null;
        }
        int r = in.readerIndex();
        int b0 = in.getUnsignedByte(r);
        if (b0 == 'N' && (n < 2 || in.getUnsignedByte(r + 1) == 'L') && (n < 3 || isVersion(in.getUnsignedByte(r + 2)))) {
            if (n >= 4) {
                return Kind.NETLAB;
            }
            return !ended ? null : n == 3 ? Kind.NETLAB : Kind.TEXT;
        }
        if (b0 == 0x16 && (n < 2 || in.getUnsignedByte(r + 1) == 0x03)) {
            return n >= 2 ? Kind.TLS : ended ? Kind.TEXT : null;
        }
        return httpOrText(in, ended);
    }

    private static Kind httpOrText(ByteBuf in, boolean ended) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        // the method: 1..16 upper-case letters, then a space
        int i = 0;
        while (i < n && i <= 16) {
            int b = in.getUnsignedByte(r + i);
            if (b == ' ' && i > 0) {
                break;
            }
            if (b < 'A' || b > 'Z') {
                return Kind.TEXT;
            }
            i++;
        }
        if (i == n) {
            return ended ? Kind.TEXT : null;
        }
        if (i > 16) {
            return Kind.TEXT;
        }
        int lf = in.indexOf(r, r + Math.min(n, MAX_REQUEST_LINE), (byte) '\n');
        if (lf < 0) {
            return ended || n >= MAX_REQUEST_LINE ? Kind.TEXT : null;
        }
        int end = lf > r && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        // METHOD SP target SP HTTP/d.d
        if (end - r < i + 1 + 1 + 1 + 8) {
            return Kind.TEXT;
        }
        int sp = end - 9;
        if (in.getByte(sp) != ' ' || !startsWith(in, sp + 1, "HTTP/") || !isDigit(in, end - 3)
                || in.getByte(end - 2) != '.' || !isDigit(in, end - 1)) {
            return Kind.TEXT;
        }
        for (int j = r + i + 1; j < sp; j++) {
            int b = in.getUnsignedByte(j);
            if (b <= ' ' || b == 0x7F) {
                return Kind.TEXT;       // the target is one token
            }
        }
        return sp > r + i + 1 ? Kind.HTTP : Kind.TEXT;
    }

    /** A netlab version byte: a control character that text does not hold (TAB, LF and CR excluded). */
    static boolean isVersion(int b) {
        return b < 0x20 && b != '\t' && b != '\n' && b != '\r';
    }

    private static boolean startsWith(ByteBuf in, int at, String ascii) {
        for (int k = 0; k < ascii.length(); k++) {
            if (in.getByte(at + k) != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(ByteBuf in, int at) {
        int b = in.getByte(at);
        return b >= '0' && b <= '9';
    }
}
