package io.netlab.client;

import io.netlab.codec.ErrorCode;

/** A failure the client reports as one line to the user and a non-zero exit. */
public final class ClientException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kind of failure, for callers that react to it (tests, embedders, the command line's exit code). */
    public enum Kind {
        /** The server could not be reached: refused, unknown host, no route. */
        CONNECT,
        /** Time ran out: connecting, or waiting for the server, which went silent. */
        TIMEOUT,
        /** The server answered with an error frame; {@link #errorCode()} says which. */
        REMOTE,
        /** The server broke the protocol, or is not a netlab server. */
        PROTOCOL,
        /** The connection broke (closed or reset by the server) before the end. */
        INTERRUPTED,
        /** The bytes received do not match the server's size or digest. */
        INTEGRITY,
        /** The local destination could not be written or already exists. */
        LOCAL,
        /** The sum the server computed is wrong. */
        MISMATCH
    }

    /** What kind of failure this is. */
    private final Kind kind;

    /** The server's error code for {@link Kind#REMOTE}, otherwise {@code null}. */
    private final ErrorCode errorCode;

    /**
     * A failure of any kind.
     *
     * @param kind      what kind of failure
     * @param errorCode the code of the server's error frame for {@link Kind#REMOTE}; {@code null} otherwise
     * @param message   one line for the user
     * @param cause     the underlying exception, shown only with --verbose; may be null
     */
    public ClientException(Kind kind, ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    /**
     * A failure with an underlying exception.
     *
     * @param kind    what kind of failure
     * @param message one line for the user
     * @param cause   the underlying exception, shown only with --verbose; may be null
     */
    public ClientException(Kind kind, String message, Throwable cause) {
        this(kind, null, message, cause);
    }

    /**
     * A failure without an underlying exception.
     *
     * @param kind    what kind of failure
     * @param message one line for the user
     */
    public ClientException(Kind kind, String message) {
        this(kind, null, message, null);
    }

    /**
     * The server refused with an error frame ({@link Kind#REMOTE}).
     *
     * @param errorCode the frame's code
     * @param message   one line for the user
     */
    public ClientException(ErrorCode errorCode, String message) {
        this(Kind.REMOTE, errorCode, message, null);
    }

    /** {@return the kind of failure} */
    public Kind kind() {
        return kind;
    }

    /** {@return the code of the server's error frame for {@link Kind#REMOTE}, otherwise {@code null}} */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
