package io.netlab.codec;


import java.util.Arrays;
import java.util.Objects;

/**
 * The last frame of a successful transfer: how many bytes were sent and their digest.
 */
public final class FileEnd implements FileFrame {
    private final long totalBytes;
    private final DigestAlgorithm digest;
    private final byte[] digestValue;

    /**
     * @param totalBytes  the payload bytes sent in this transfer
     * @param digest      the algorithm
     * @param digestValue the digest of those bytes; its length must match the algorithm's
     * @throws IllegalArgumentException when the value's length does not match the algorithm
     */
    public FileEnd(long totalBytes, DigestAlgorithm digest, byte[] digestValue) {
        this.digest = Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(digestValue, "digestValue");
        if (totalBytes < 0) {
            throw new IllegalArgumentException("totalBytes: " + totalBytes + " (expected: >= 0)");
        }
        if (digestValue.length != digest.length()) {
            throw new IllegalArgumentException("digest length: " + digestValue.length
                    + " (expected: " + digest.length() + " for " + digest + ')');
        }
        this.totalBytes = totalBytes;
        this.digestValue = digestValue.clone();
    }

    /** {@return the payload bytes sent} */
    public long totalBytes() {
        return totalBytes;
    }

    /** {@return the digest algorithm} */
    public DigestAlgorithm digest() {
        return digest;
    }

    /** {@return a copy of the digest value} */
    public byte[] digestValue() {
        return digestValue.clone();
    }

    /**
     * Compares a digest value with this frame's, in constant time.
     *
     * @param value the digest the receiver computed
     * @return whether it equals this frame's digest value
     */
    public boolean digestMatches(byte[] value) {
        return java.security.MessageDigest.isEqual(digestValue, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileEnd e && e.totalBytes == totalBytes && e.digest == digest
                && Arrays.equals(e.digestValue, digestValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(totalBytes, digest, Arrays.hashCode(digestValue));
    }

    @Override
    public String toString() {
        return "FileEnd(" + totalBytes + " bytes, " + digest + ' ' + DigestAlgorithm.hex(digestValue) + ')';
    }
}
