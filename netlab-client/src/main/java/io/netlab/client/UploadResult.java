package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;

/**
 * A verified, installed upload.
 *
 * @param remotePath the file's path under the server's root
 * @param bytes      its size
 * @param nanos      how long the upload took, connection included
 * @param digest     the algorithm it was checked with
 * @param digestHex  the digest of the whole file, in hex, as the server computed it and the client sent it
 * @param resumedAt  the byte the upload continued from (what the server already held); 0 for a whole upload
 */
public record UploadResult(String remotePath, long bytes, long nanos, DigestAlgorithm digest, String digestHex,
                           long resumedAt) {
}
