package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.UnsupportedVersionException;
import io.netty.handler.codec.DecoderException;

import java.io.IOException;

/** Maps what went wrong on a connection to the error code and message a client is sent. */
final class ProtocolErrors {
    private ProtocolErrors() {
    }

    /** The code for a failure, or {@code null} when the client cannot be told (the connection broke). */
    static ErrorCode codeFor(Throwable cause) {
        if (cause instanceof UnsupportedVersionException) {
            return ErrorCode.UNSUPPORTED;
        }
        if (cause instanceof DecoderException) {
            return ErrorCode.ILLEGAL_OPERATION;
        }
        if (cause instanceof IOException) {
            return null;
        }
        return ErrorCode.UNDEFINED;
    }

    /** The message for a failure: the decoder's own, which names the field and what was expected. */
    static String messageFor(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() instanceof DecoderException
                ? cause.getCause() : cause;
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }
}
