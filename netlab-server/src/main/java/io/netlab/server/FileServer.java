package io.netlab.server;

import io.netlab.codec.FileConstants;
import io.netlab.codec.SendMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The file server (the lab's exercise 3): serves (and lists) the regular files under one directory, several requests
 * per connection, and, when {@linkplain Builder#writable(boolean) writable}, takes uploads into it (read-only by default);
 * in FILE_DATA frames of the block size the client asks for, with the digest it asks for; on the same port, by
 * default, to lab-style raw clients (a name in, the bytes out) and over HTTP/1.1 ({@link Builder#protocols}).
 * <pre>{@code
 * try (RunningServer server = FileServer.builder().root(dir).port(0).start()) {
 *     int port = server.localAddress().getPort();
 *     ...
 * }
 * }</pre>
 */
public final class FileServer {
    /** The default of {@link Builder#maxListEntries}: 1 000 000 entries per listing. */
    public static final long DEFAULT_MAX_LIST_ENTRIES = 1_000_000;

    private FileServer() {
    }

    /** {@return a builder; {@link Builder#root(Path)} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a file server. */
    public static final class Builder extends ServerBuilder<Builder> {
        private FileRoot root;
        private int maxBlockSize = FileConstants.MAX_BLOCK_SIZE;
        private SendMode sendMode = SendMode.AUTO;
        private Set<FileProtocol> protocols = FileProtocol.all();
        private boolean writable;
        private boolean allowOverwrite;
        private long maxUpload = Uploads.DEFAULT_MAX_UPLOAD;
        private long minFreeSpace = Uploads.DEFAULT_MIN_FREE_SPACE;
        private java.time.Duration staleUploadsAfter = Uploads.DEFAULT_STALE_AFTER;
        private long maxListEntries = DEFAULT_MAX_LIST_ENTRIES;

        private Builder() {
        }

        /**
         * The directory to serve; nothing outside its real path is ever opened.
         *
         * @param dir an existing directory
         * @return this builder
         * @throws IOException when it does not exist or is not a directory
         */
        public Builder root(Path dir) throws IOException {
            return root(new FileRoot(dir));
        }

        /**
         * The directory to serve, already checked.
         *
         * @param root the root
         * @return this builder
         */
        public Builder root(FileRoot root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * The largest block size a client may ask for; a larger request is refused.
         *
         * @param bytes 1 to 16 MiB (the default)
         * @return this builder
         */
        public Builder maxBlockSize(int bytes) {
            this.maxBlockSize = FileConstants.checkBlockSize("maxBlockSize", bytes);
            return this;
        }

        /**
         * How file data is put on the wire.
         *
         * @param mode the mode (default: {@link SendMode#AUTO})
         * @return this builder
         */
        public Builder sendMode(SendMode mode) {
            this.sendMode = Objects.requireNonNull(mode, "sendMode");
            return this;
        }

        /**
         * The dialects served on the port (default: all three), told apart by each connection's first bytes.
         *
         * @param protocols one or more dialects
         * @return this builder
         * @throws IllegalArgumentException when the set is empty
         */
        public Builder protocols(Set<FileProtocol> protocols) {
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("protocols: [] (expected: one or more of netlab, raw, http)");
            }
            this.protocols = EnumSet.copyOf(protocols);
            return this;
        }

        /**
         * Whether clients may upload files into the root (PUT_REQUEST, docs/protocol.md 3c). A server is read-only
         * by default, and answers an upload with ACCESS_DENIED.
         *
         * @param on {@code true} to take uploads (default: no)
         * @return this builder
         */
        public Builder writable(boolean on) {
            this.writable = on;
            return this;
        }

        /**
         * Whether an upload may replace an existing file when its client asks to (OVERWRITE); otherwise such an
         * upload is refused with ALREADY_EXISTS. Only with {@link #writable(boolean)}.
         *
         * @param on {@code true} to allow it (default: no)
         * @return this builder
         */
        public Builder allowOverwrite(boolean on) {
            this.allowOverwrite = on;
            return this;
        }

        /**
         * The largest upload taken; a larger one is refused (TOO_LARGE) before any of its bytes are accepted.
         *
         * @param bytes 0 or more (default: 1 GiB)
         * @return this builder
         */
        public Builder maxUpload(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxUpload: " + bytes + " (expected: >= 0)");
            }
            this.maxUpload = bytes;
            return this;
        }

        /**
         * The free space an upload must leave on the root's file system: an upload whose announced size would bring
         * the usable space below it is refused (TOO_LARGE) before any of its bytes are accepted.
         *
         * @param bytes 0 or more (default: 64 MiB)
         * @return this builder
         */
        public Builder minFreeSpace(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("minFreeSpace: " + bytes + " (expected: >= 0)");
            }
            this.minFreeSpace = bytes;
            return this;
        }

        /** How long a cut upload's temporary file is kept (default: a day); for tests. */
        Builder staleUploadsAfter(java.time.Duration age) {
            this.staleUploadsAfter = Objects.requireNonNull(age, "age");
            return this;
        }

        /**
         * The most entries one listing sends (docs/protocol.md, 3b); past it the client gets ERROR(TOO_LARGE) and the
         * connection closes.
         *
         * @param entries 1 or more (default: {@value FileServer#DEFAULT_MAX_LIST_ENTRIES})
         * @return this builder
         * @throws IllegalArgumentException when below 1
         */
        public Builder maxListEntries(long entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maxListEntries: " + entries + " (expected: >= 1)");
            }
            this.maxListEntries = entries;
            return this;
        }

        @Override
        Protocols.Protocol protocol(ServerConfig config) {
            if (root == null) {
                throw new IllegalStateException("root: not set (expected: FileServer.builder().root(dir))");
            }
            Uploads uploads = new Uploads(root, new Uploads.Policy(writable, allowOverwrite, maxUpload, minFreeSpace,
                    staleUploadsAfter));
            return Protocols.file(root, maxBlockSize, sendMode, protocols, uploads, maxListEntries);
        }
    }
}
