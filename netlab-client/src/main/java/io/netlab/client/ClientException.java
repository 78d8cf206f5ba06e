package io.netlab.client;

/** A failure the client reports as one line to the user and a non-zero exit. */
public final class ClientException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kind of failure, for callers that react to it (tests, embedders). */
    public enum Kind {
        /** The server could not be reached: refused, unknown host, timed out. */
        CONNECT,
        /** The server answered with an error frame. */
        REMOTE,
        /** The server broke the protocol, or is not a netlab server. */
        PROTOCOL,
        /** The transfer stopped before its end. */
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

    /**
     * @param kind    what kind of failure
     * @param message one line for the user
     * @param cause   the underlying exception, shown only with --verbose; may be null
     */
    public ClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * A failure without an underlying exception.
     *
     * @param kind    what kind of failure
     * @param message one line for the user
     */
    public ClientException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** {@return the kind of failure} */
    public Kind kind() {
        return kind;
    }
}
