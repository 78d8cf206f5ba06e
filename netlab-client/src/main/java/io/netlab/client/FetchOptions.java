package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.file.FileConstants;
import io.netlab.runtime.Transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How to fetch a file.
 *
 * @param blockSize      the largest block the server should send, 1 to 16 MiB (the lab's 1024 by default)
 * @param digest         the digest the server computes and the client checks
 * @param force          replace an existing destination (atomically, only once the new file is verified)
 * @param connectTimeout how long to wait for the connection
 * @param readTimeout    how long the server may stay silent during the transfer
 * @param transport      the I/O transport
 */
public record FetchOptions(int blockSize, DigestAlgorithm digest, boolean force, Duration connectTimeout,
                           Duration readTimeout, Transport transport) {
    /** Checks the fields. */
    public FetchOptions {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(transport, "transport");
        if (blockSize < 1 || blockSize > FileConstants.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException(
                    "blockSize: " + blockSize + " (expected: 1.." + FileConstants.MAX_BLOCK_SIZE + ')');
        }
    }

    /** The lab's defaults: 1024-byte blocks, CRC32C, no overwrite, 10 s to connect, 30 s of silence at most. */
    public static FetchOptions defaults() {
        return new FetchOptions(FileConstants.DEFAULT_BLOCK_SIZE, DigestAlgorithm.CRC32C, false, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Transport.AUTO);
    }

    /** A copy with another block size. */
    public FetchOptions withBlockSize(int size) {
        return new FetchOptions(size, digest, force, connectTimeout, readTimeout, transport);
    }

    /** A copy with another digest. */
    public FetchOptions withDigest(DigestAlgorithm d) {
        return new FetchOptions(blockSize, d, force, connectTimeout, readTimeout, transport);
    }

    /** A copy that may replace an existing destination. */
    public FetchOptions withForce(boolean f) {
        return new FetchOptions(blockSize, digest, f, connectTimeout, readTimeout, transport);
    }

    /** A copy with another read timeout. */
    public FetchOptions withReadTimeout(Duration t) {
        return new FetchOptions(blockSize, digest, force, connectTimeout, t, transport);
    }

    /** A copy with another transport. */
    public FetchOptions withTransport(Transport t) {
        return new FetchOptions(blockSize, digest, force, connectTimeout, readTimeout, t);
    }
}
