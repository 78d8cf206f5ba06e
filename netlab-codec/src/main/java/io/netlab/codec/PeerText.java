package io.netlab.codec;

/**
 * Text that came from a peer (names, paths, error messages), made safe to print or log: control characters
 * (ESC, which could drive a terminal, BEL, CR, ...) and the bidirectional overrides and isolates (which could make
 * a name read backwards) become {@code \\uXXXX} escapes; everything else is kept as it is.
 */
public final class PeerText {
    private PeerText() {
    }

    /**
     * Makes text from a peer safe to print.
     *
     * @param s the text as received
     * @return {@code s} with every control character and bidirectional control escaped as {@code \\uXXXX}
     */
    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = Character.isISOControl(c) || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069';
            if (bad) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                sb.append("\\u").append(Character.forDigit(c >> 12 & 0xF, 16)).append(Character.forDigit(c >> 8 & 0xF, 16))
                        .append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
