package io.netlab.codec;

import io.netty.handler.codec.DecoderException;

/** A frame announced a protocol version this decoder does not speak; carries the version seen. */
public final class UnsupportedVersionException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** The version byte the peer sent. */
    private final int version;

    /**
     * @param message the error message, {@code "version: V (expected: 1)"}
     * @param version the version byte the peer sent
     */
    public UnsupportedVersionException(String message, int version) {
        super(message);
        this.version = version;
    }

    /** {@return the version byte the peer sent} */
    public int version() {
        return version;
    }
}
