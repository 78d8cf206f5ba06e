package io.netlab.codec;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server's last word on a successful upload: the file is verified, on disk and installed under its name. The
 * body is laid out as a {@link FileEnd}'s: the file's size, and the digest of the whole file as the server computed
 * it.
 */
public final class PutDone implements FileFrame {
    private final long size;
    private final DigestAlgorithm digest;
    private final byte[] digestValue;

    /**
     * @param size        the installed file's size
     * @param digest      the algorithm
     * @param digestValue the digest of the whole file; its length must match the algorithm's
     * @throws IllegalArgumentException when the size is negative or the value's length does not match the algorithm
     */
    public PutDone(long size, DigestAlgorithm digest, byte[] digestValue) {
        this.digest = Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(digestValue, "digestValue");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if (digestValue.length != digest.length()) {
            throw new IllegalArgumentException("digest length: " + digestValue.length
                    + " (expected: " + digest.length() + " for " + digest + ')');
        }
        this.size = size;
        this.digestValue = digestValue.clone();
    }

    /** {@return the installed file's size} */
    public long size() {
        return size;
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
     * @param value the digest the client computed
     * @return whether it equals the server's
     */
    public boolean digestMatches(byte[] value) {
        return MessageDigest.isEqual(digestValue, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PutDone d && d.size == size && d.digest == digest && Arrays.equals(d.digestValue, digestValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, digest, Arrays.hashCode(digestValue));
    }

    @Override
    public String toString() {
        return "PutDone(" + size + " bytes, " + digest + ' ' + DigestAlgorithm.hex(digestValue) + ')';
    }
}
