package io.netlab.client;

/**
 * The fix to suggest when a netlab client meets a server that speaks another dialect, from what it saw (the codec's
 * error names the likely dialect, see {@code io.netlab.codec.ForeignBytes}).
 */
final class DialectHints {
    /** A lab-style file server reads netlab's binary request as a name, finds no such file, and closes. */
    static final String FILE_CLOSED = " (a lab-style file server closes like this when it cannot read netlab's request:"
            + " run netlab-client with --raw)";
    /** A lab-style sum server cannot read netlab's frame as NAME,NUMBER and closes. */
    static final String SUM_CLOSED = " (a lab-style text server closes like this when it cannot read netlab's request:"
            + " run netlab-client sum with --text)";
    /** netlab's file and sum servers close on a line they cannot serve. */
    static final String ECHO_CLOSED = " (not an echo server? netlab's file and sum servers close on a line they cannot"
            + " serve)";

    /** What a netlab server started with {@code --tls-cert} answers a plain client, in plain text. */
    static final String TLS_SERVER_SAYS = "this server speaks TLS";
    /** The one sentence for a plain client that met a TLS server. */
    static final String TLS_SERVER = "the server speaks TLS and this client did not: add --tls";

    private DialectHints() {
    }

    /**
     * A file-service decoder's failure as the client's one line: a TLS server is named as such, any other failure
     * becomes {@code "protocol error<after>: <what the decoder said><a hint at what the peer is>"}.
     *
     * @param after where the failure struck, e.g. {@code " after 10 of 20 bytes"}, or empty
     */
    static ClientException fileDecoderFailure(Throwable cause, String after) {
        Throwable c = cause.getCause() instanceof io.netty.handler.codec.DecoderException ? cause.getCause() : cause;
        if (isTlsServer(c.getMessage())) {
            return new ClientException(ClientException.Kind.PROTOCOL, TLS_SERVER, cause);
        }
        return new ClientException(ClientException.Kind.PROTOCOL, "protocol error" + after + ": " + c.getMessage()
                + forFileClient(String.valueOf(c.getMessage())), cause);
    }

    /** Whether a failure's {@code message} (or a text answer) shows a TLS server's answer to a plain client. */
    static boolean isTlsServer(String message) {
        return message != null && message.contains(TLS_SERVER_SAYS);
    }

    /** The fix for a file fetch that failed with {@code message}, or "". */
    static String forFileClient(String message) {
        if (message.contains("this looks like an HTTP response")) {
            return "; it is a web server: fetch the file with curl or a browser";
        }
        if (message.contains("this looks like text")) {
            return "; it is no netlab file server (for a lab-style file server, run netlab-client with --raw)";
        }
        if (message.contains("type: FILE_REQUEST (0x10)")) {
            return "; the server sent netlab's own request back: it is an echo server";
        }
        if (message.contains("type: SUM_")) {
            return "; it is a netlab sum server: use netlab-client sum";
        }
        return "";
    }

    /** The fix for a sum exchange that failed with {@code message}, or "". */
    static String forSumClient(String message) {
        if (message.contains("this looks like text")) {
            return "; the server speaks the lab's text dialect: run netlab-client sum with --text";
        }
        if (message.contains("this looks like an HTTP response")) {
            return "; it is a web server, not a sum server";
        }
        if (message.contains("type: FILE_")) {
            return "; it is a netlab file server: use netlab-client SERVER:PORT:PATH";
        }
        return "";
    }
}
