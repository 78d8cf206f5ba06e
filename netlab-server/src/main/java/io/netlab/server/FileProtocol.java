package io.netlab.server;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The dialects a {@link FileServer} speaks on its one port; it tells them apart from the first bytes of each
 * connection (docs/protocol.md, "One port, three dialects").
 */
public enum FileProtocol {
    /** netlab frames: a FILE_REQUEST, then header, data, end with a digest (or an ERROR). */
    NETLAB,
    /** The raw lab dialect: the client sends a file name, the server sends the file's bytes and closes. */
    RAW,
    /** HTTP/1.1 GET and HEAD of the files, with Range and keep-alive. */
    HTTP;

    /** All three, the default. */
    public static Set<FileProtocol> all() {
        return EnumSet.allOf(FileProtocol.class);
    }

    /**
     * Parses a comma-separated list such as {@code netlab,raw,http} (any case, spaces allowed).
     *
     * @throws IllegalArgumentException {@code "protocols: x (expected: netlab, raw or http)"} on an unknown name or an
     *                                  empty list
     */
    public static Set<FileProtocol> parseList(String list) {
        Set<FileProtocol> set = EnumSet.noneOf(FileProtocol.class);
        for (String s : list.split(",")) {
            String name = s.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                set.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("protocols: " + name + " (expected: netlab, raw or http)");
            }
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("protocols: '" + list + "' (expected: one or more of netlab, raw, http)");
        }
        return set;
    }

    /** The name users type: {@code netlab}, {@code raw}, {@code http}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
