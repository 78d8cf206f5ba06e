package io.netlab.server;

import io.netlab.codec.ErrorCode;

/** A request the file root refuses, with the protocol error code to answer it with. */
public final class FileAccessException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    /**
     * @param code    the error code sent to the client
     * @param message the message sent to the client: specific, and free of server-side absolute paths
     */
    public FileAccessException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** {@return the error code sent to the client} */
    public ErrorCode code() {
        return code;
    }
}
