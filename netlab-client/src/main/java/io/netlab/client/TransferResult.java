package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;

import java.nio.file.Path;

/**
 * A verified transfer.
 *
 * @param destination where the file now is
 * @param bytes       its size
 * @param nanos       how long the transfer took, connection included
 * @param digest      the algorithm it was checked with
 * @param digestHex   the digest value, in hex (empty for {@link DigestAlgorithm#NONE}), of the whole file
 * @param resumedAt   the byte the transfer continued a partial file from; 0 when the whole file was transferred
 */
public record TransferResult(Path destination, long bytes, long nanos, DigestAlgorithm digest, String digestHex,
                             long resumedAt) {
    /**
     * A transfer of the whole file.
     *
     * @param destination where the file now is
     * @param bytes       its size
     * @param nanos       how long the transfer took
     * @param digest      the algorithm it was checked with
     * @param digestHex   the digest value, in hex
     */
    public TransferResult(Path destination, long bytes, long nanos, DigestAlgorithm digest, String digestHex) {
        this(destination, bytes, nanos, digest, digestHex, 0);
    }
}
