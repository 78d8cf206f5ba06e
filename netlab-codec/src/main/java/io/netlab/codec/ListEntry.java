package io.netlab.codec;

import java.util.Objects;

/**
 * One entry of a listing. Its path is checked as a request's path is (docs/protocol.md, "Paths"): relative,
 * '/'-separated, no empty, {@code .} or {@code ..} segment, no NUL or backslash, at most 4096 bytes of UTF-8;
 * the decoder rejects an entry that breaks these rules, so a receiver never sees one. A client still checks it
 * against its own file system before it becomes a local name.
 *
 * @param kind     what the entry is
 * @param size     the size in bytes for a {@link Kind#FILE}; 0 otherwise
 * @param modified the last modification time, in milliseconds since 1970-01-01T00:00Z
 * @param path     the path relative to the listed directory
 */
public record ListEntry(Kind kind, long size, long modified, String path) implements FileFrame {
    /** What a listed entry is. */
    public enum Kind {
        /** A regular file, or a link to one inside the root: it may be fetched. */
        FILE(0),
        /** A directory. */
        DIRECTORY(1),
        /** A FIFO, socket or device: listed, never served. */
        OTHER(2),
        /** A link that leads out of the root (or to a directory), or an entry the server may not read: never followed. */
        SKIPPED(3);

        private final int id;

        Kind(int id) {
            this.id = id;
        }

        /** {@return the value on the wire} */
        public int id() {
            return id;
        }

        /**
         * Maps a wire value back to a kind.
         *
         * @param id the uint8 read from the wire
         * @return the kind, or null for a value that is not one
         */
        public static Kind fromId(int id) {
            Kind[] all = values();
            return id >= 0 && id < all.length ? all[id] : null;
        }
    }

    /**
     * Checks the fields.
     *
     * @param kind     what the entry is
     * @param size     the size in bytes (0 unless a file)
     * @param modified milliseconds since the epoch
     * @param path     the path relative to the listed directory
     * @throws IllegalArgumentException when the size is negative or the path breaks the rules of a path
     */
    public ListEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        String problem = ListCodec.pathProblem(path);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
