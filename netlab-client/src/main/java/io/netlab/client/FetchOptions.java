package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileConstants;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link FileFetcher} fetches a file; immutable. Start from {@link #defaults()} (the lab's 1024-byte blocks,
 * CRC32C, no overwrite, 10 s to connect and no connect retry, 30 s of silence at most) or {@link #builder()}, and
 * derive copies with
 * the {@code with...} methods.
 * <pre>{@code
 * FetchOptions options = FetchOptions.builder().blockSize(65536).digest(DigestAlgorithm.SHA256).build();
 * }</pre>
 */
public final class FetchOptions {
    private final int blockSize;
    private final DigestAlgorithm digest;
    private final boolean force;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Transport transport;
    private final boolean resume;
    private final ClientTls tls;
    private final Duration connectRetry;

    private FetchOptions(Builder b) {
        this.blockSize = b.blockSize;
        this.digest = b.digest;
        this.force = b.force;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.transport = b.transport;
        this.resume = b.resume;
        this.tls = b.tls;
        this.connectRetry = b.connectRetry;
    }

    /** {@return the lab's defaults: 1024-byte blocks, CRC32C, no overwrite, 10 s to connect, 30 s of silence at most} */
    public static FetchOptions defaults() {
        return builder().build();
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these options} */
    public Builder toBuilder() {
        return new Builder().blockSize(blockSize).digest(digest).force(force).connectTimeout(connectTimeout)
                .readTimeout(readTimeout).transport(transport).resume(resume).tls(tls)
                .connectRetry(connectRetry);
    }

    /** {@return the largest block the server should send, 1 to 16 MiB} */
    public int blockSize() {
        return blockSize;
    }

    /** {@return the digest the server computes and the client checks} */
    public DigestAlgorithm digest() {
        return digest;
    }

    /** {@return whether an existing destination is replaced (atomically, only once the new file is verified)} */
    public boolean force() {
        return force;
    }

    /** {@return how long to wait for the connection} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long a refused connection or a server name that does not resolve is tried again (with a short backoff)
     * before the fetch fails; zero (the default): not at all.
     *
     * @return zero or positive
     */
    public Duration connectRetry() {
        return connectRetry;
    }

    /** {@return how long the server may stay silent during the transfer} */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** {@return how to speak TLS, or {@code null} for plain TCP} */
    public ClientTls tls() {
        return tls;
    }

    /** {@return the I/O transport} */
    public Transport transport() {
        return transport;
    }

    /**
     * Whether to continue the partial file an interrupted fetch into the same destination left (the command line's
     * {@code --continue}); without it, such a file is discarded and the fetch starts from byte 0.
     *
     * @return whether to resume
     */
    public boolean resume() {
        return resume;
    }

    /**
     * A copy with another block size.
     *
     * @param size 1 to 16 MiB
     * @return a new options object
     */
    public FetchOptions withBlockSize(int size) {
        return toBuilder().blockSize(size).build();
    }

    /**
     * A copy with another digest.
     *
     * @param d the digest
     * @return a new options object
     */
    public FetchOptions withDigest(DigestAlgorithm d) {
        return toBuilder().digest(d).build();
    }

    /**
     * A copy that may (or may not) replace an existing destination.
     *
     * @param f whether to replace it
     * @return a new options object
     */
    public FetchOptions withForce(boolean f) {
        return toBuilder().force(f).build();
    }

    /**
     * A copy with another read timeout.
     *
     * @param t positive
     * @return a new options object
     */
    public FetchOptions withReadTimeout(Duration t) {
        return toBuilder().readTimeout(t).build();
    }

    /**
     * A copy that continues (or not) a partial file left by an interrupted fetch.
     *
     * @param r whether to resume
     * @return a new options object
     */
    public FetchOptions withResume(boolean r) {
        return toBuilder().resume(r).build();
    }

    /**
     * A copy with another connect retry time.
     *
     * @param retry zero (no retry) or positive
     * @return a new options object
     */
    public FetchOptions withConnectRetry(Duration retry) {
        return toBuilder().connectRetry(retry).build();
    }

    /**
     * A copy with another transport.
     *
     * @param t the transport
     * @return a new options object
     */
    public FetchOptions withTransport(Transport t) {
        return toBuilder().transport(t).build();
    }

    @Override
    public String toString() {
        return "FetchOptions(blockSize " + blockSize + ", " + digest + (force ? ", force" : "") + ", connect "
                + connectTimeout
                + (connectRetry.isZero() ? "" : ", retry " + connectRetry) + ", read " + readTimeout + ", " + transport + (resume ? ", resume" : "")
                + (tls != null ? ", " + tls : "") + ')';
    }

    /** Builds {@link FetchOptions}; each setter checks its value. */
    public static final class Builder {
        private int blockSize = FileConstants.DEFAULT_BLOCK_SIZE;
        private DigestAlgorithm digest = DigestAlgorithm.CRC32C;
        private boolean force;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Transport transport = Transport.AUTO;
        private boolean resume;
        private ClientTls tls;
        private Duration connectRetry = Duration.ZERO;

        private Builder() {
        }

        /**
         * Speak TLS to the server (started with {@code --tls-cert}), trusting what {@code tls} trusts.
         *
         * @param tls the trust, or {@code null} for plain TCP (the default)
         * @return this builder
         */
        public Builder tls(ClientTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * The largest block the server should send (default: the lab's 1024).
         *
         * @param size 1 to 16 MiB
         * @return this builder
         * @throws IllegalArgumentException {@code "blockSize: 0 (expected: 1..16777216)"} when out of range
         */
        public Builder blockSize(int size) {
            this.blockSize = FileConstants.checkBlockSize("blockSize", size);
            return this;
        }

        /**
         * The digest the server computes and the client checks.
         *
         * @param digest the digest (default: CRC32C)
         * @return this builder
         */
        public Builder digest(DigestAlgorithm digest) {
            this.digest = Objects.requireNonNull(digest, "digest");
            return this;
        }

        /**
         * Whether to replace an existing destination, only once the new file is verified.
         *
         * @param force {@code true} to replace it (default: no)
         * @return this builder
         */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /**
         * How long to wait for the connection.
         *
         * @param timeout positive (default: 10 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * How long to go on trying when the connection is refused or the server's name does not resolve: a server
         * (or its container) that is still starting is waited for, trying again after 0.1 s, 0.2 s, 0.4 s, ... (at
         * most 1 s apart) until this time is spent; the failure then says how long it tried. Other failures (a
         * timeout, no route) are not tried again. The JVM caches a failed name lookup for 10 s by default (the
         * security property {@code networkaddress.cache.negative.ttl}; the command line sets it to 0).
         *
         * @param retry zero (the default: fail at once) or positive
         * @return this builder
         * @throws IllegalArgumentException {@code "connectRetry: PT-1S (expected: >= 0)"} when negative
         */
        public Builder connectRetry(Duration retry) {
            this.connectRetry = Connector.checkConnectRetry(retry);
            return this;
        }

        /**
         * How long the server may stay silent during the transfer.
         *
         * @param timeout positive (default: 30 s)
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive("readTimeout", timeout);
            return this;
        }

        /**
         * The I/O transport.
         *
         * @param transport the transport (default: {@link Transport#AUTO})
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Continue the partial file an interrupted fetch into the same destination left, from its last byte (default:
         * no, discard it and start from byte 0). The check at the end still covers the whole file.
         *
         * @param resume whether to resume
         * @return this builder
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** {@return the options} */
        public FetchOptions build() {
            return new FetchOptions(this);
        }

        private static Duration positive(String field, Duration d) {
            Objects.requireNonNull(d, field);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
