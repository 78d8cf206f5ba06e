package io.netlab.server;

import io.netlab.codec.FileConstants;
import io.netlab.codec.SendMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The file server (the lab's exercise 3): serves the regular files under one directory (and lists it), several requests per connection,
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
            return Protocols.file(root, maxBlockSize, sendMode, protocols, maxListEntries);
        }
    }
}
