package io.netlab.codec;

import io.netty.buffer.ByteBuf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Digests a file transfer can be checked with. The numeric {@link #id()} travels on the wire.
 * CRC32C is the default: it is computed by a CPU instruction on x86-64 and ARMv8, so checking costs
 * almost nothing next to moving the bytes; SHA-256 is there for those who want a cryptographic digest.
 */
public enum DigestAlgorithm {
    /** No digest: the END frame carries an empty value and only the size is checked. */
    NONE(0, 0),
    /** CRC-32C (Castagnoli), 4 bytes, big-endian. */
    CRC32C(1, 4),
    /** SHA-256, 32 bytes. */
    SHA256(2, 32);

    private final int id;
    private final int length;

    DigestAlgorithm(int id, int length) {
        this.id = id;
        this.length = length;
    }

    /** {@return the unsigned 8-bit value written on the wire} */
    public int id() {
        return id;
    }

    /** {@return the length in bytes of a digest value of this algorithm} */
    public int length() {
        return length;
    }

    /**
     * Maps a wire value back to an algorithm.
     *
     * @param id the unsigned 8-bit value read from the wire
     * @return the algorithm, or {@code null} when the value is unknown
     */
    public static DigestAlgorithm fromId(int id) {
        for (DigestAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        return null;
    }

    /**
     * Parses a user-facing name: {@code none}, {@code crc32c}, {@code sha256} (also {@code sha-256}).
     *
     * @param name the name, in any case, surrounding blanks ignored
     * @return the algorithm
     * @throws IllegalArgumentException for any other name
     */
    public static DigestAlgorithm parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "");
        for (DigestAlgorithm a : values()) {
            if (a.name().toLowerCase(Locale.ROOT).equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("digest: " + name + " (expected: none, crc32c or sha256)");
    }

    /** {@return starts a new running digest of this algorithm} */
    public Digest newDigest() {
        return switch (this) {
            case NONE -> new Digest(this) {
                @Override
                void update(ByteBuffer bytes) {
                    bytes.position(bytes.limit());
                }

                @Override
                public byte[] finish() {
                    return new byte[0];
                }
            };
            case CRC32C -> new Digest(this) {
                private final CRC32C crc = new CRC32C();

                @Override
                void update(ByteBuffer bytes) {
                    crc.update(bytes);
                }

                @Override
                public byte[] finish() {
                    long v = crc.getValue();
                    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
                }
            };
            case SHA256 -> new Digest(this) {
                private final MessageDigest sha = sha256();

                @Override
                void update(ByteBuffer bytes) {
                    sha.update(bytes);
                }

                @Override
                public byte[] finish() {
                    return sha.digest();
                }
            };
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A running digest; not thread-safe. */
    public abstract static class Digest {
        private final DigestAlgorithm algorithm;

        Digest(DigestAlgorithm algorithm) {
            this.algorithm = algorithm;
        }

        /** {@return the algorithm this digest computes} */
        public final DigestAlgorithm algorithm() {
            return algorithm;
        }

        abstract void update(ByteBuffer bytes);

        /**
         * Adds {@code length} bytes of {@code file} starting at {@code position}, read with positional reads (the
         * channel's own position does not move) through {@code scratch}, which is cleared and overwritten. A resumed
         * transfer digests the bytes before its offset this way, on both sides (docs/protocol.md, FILE_END).
         *
         * @param file     the file to read
         * @param position the first byte to digest
         * @param length   how many bytes to digest
         * @param scratch  the buffer the bytes are read through
         * @throws IOException              when reading fails
         * @throws EOFException             when the file ends before {@code position + length}
         * @throws IllegalArgumentException when {@code position} or {@code length} is negative, or {@code scratch}
         *                                  has no room
         */
        public final void update(FileChannel file, long position, long length, ByteBuffer scratch) throws IOException {
            if (position < 0 || length < 0) {
                throw new IllegalArgumentException("position: " + position + ", length: " + length
                        + " (expected: >= 0)");
            }
            if (scratch.capacity() == 0) {
                throw new IllegalArgumentException("scratch capacity: 0 (expected: > 0)");
            }
            long end = position + length;
            for (long at = position; at < end; ) {
                scratch.clear();
                scratch.limit((int) Math.min(scratch.capacity(), end - at));
                while (scratch.hasRemaining()) {
                    if (file.read(scratch, at + scratch.position()) < 0) {
                        throw new EOFException("file ended at byte " + (at + scratch.position()) + " (expected: at least "
                                + end + " bytes)");
                    }
                }
                scratch.flip();
                at += scratch.remaining();
                update(scratch);
            }
        }

        /**
         * Adds the readable bytes of {@code buf} without moving its indices or copying them
         * (direct and composite buffers are read through their NIO views).
         *
         * @param buf the bytes to add
         */
        public final void update(ByteBuf buf) {
            update(buf, buf.readerIndex(), buf.readableBytes());
        }

        /**
         * Adds {@code length} bytes of {@code buf} starting at {@code index}, without moving its indices.
         *
         * @param buf    the buffer holding the bytes
         * @param index  the absolute index of the first byte
         * @param length the number of bytes to add
         */
        public final void update(ByteBuf buf, int index, int length) {
            if (length == 0) {
                return;
            }
            if (buf.nioBufferCount() == 1) {
                update(buf.nioBuffer(index, length));
            } else {
                for (ByteBuffer b : buf.nioBuffers(index, length)) {
                    update(b);
                }
            }
        }

        /** {@return the digest value; the digest must not be used afterwards} */
        public abstract byte[] finish();
    }

    /**
     * Formats a digest value as lower-case hex.
     *
     * @param value a digest value
     * @return two hex digits per byte
     */
    public static String hex(byte[] value) {
        StringBuilder sb = new StringBuilder(value.length * 2);
        for (byte b : value) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
