package io.netlab.client.cli;

import io.netlab.client.ClientException;
import io.netlab.codec.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The client's exit codes: one per way a run can end, so that a script can tell "try again later" from "no such
 * file" from "the download is corrupt" (as curl's 6, 7, 22, 23 and 28 do). Listed by {@code --help} and in the
 * README; decided here only, from {@link ClientException.Kind} and the server's {@link ErrorCode}.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int CANNOT_CONNECT = 3;
    static final int TIMED_OUT = 4;
    static final int CONNECTION_LOST = 5;
    static final int NOT_FOUND = 6;
    static final int ACCESS_DENIED = 7;
    static final int BUSY = 8;
    static final int REFUSED = 9;
    static final int INTEGRITY = 10;
    static final int LOCAL = 11;
    static final int PROTOCOL = 12;
    static final int ALREADY_EXISTS = 13;
    static final int TOO_LARGE = 14;

    private ExitCodes() {
    }

    /** {@return the exit code for a failure} */
    static int of(ClientException e) {
        return switch (e.kind()) {
            case CONNECT -> CANNOT_CONNECT;
            case TIMEOUT -> TIMED_OUT;
            case INTERRUPTED -> CONNECTION_LOST;
            case INTEGRITY, MISMATCH -> INTEGRITY;
            case LOCAL -> LOCAL;
            case PROTOCOL -> PROTOCOL;
            case REMOTE -> of(e.errorCode());
        };
    }

    private static int of(ErrorCode code) {
        if (code == null) {
            return REFUSED;
        }
        return switch (code) {
            case NOT_FOUND, NOT_A_FILE -> NOT_FOUND;
            case ACCESS_DENIED -> ACCESS_DENIED;
            case BUSY, SHUTTING_DOWN -> BUSY;
            case TIMEOUT -> TIMED_OUT;
            case ILLEGAL_OPERATION -> PROTOCOL;
            case INTEGRITY -> INTEGRITY;
            case ALREADY_EXISTS -> ALREADY_EXISTS;
            case TOO_LARGE -> TOO_LARGE;
            case UNDEFINED, OUT_OF_RANGE, BAD_REQUEST, UNSUPPORTED, IO_ERROR -> REFUSED;
        };
    }

    /** {@return the list {@code --help} shows, code to meaning} */
    static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        add(m, OK, "done");
        add(m, FAILED, "failed for another reason (the message says why)");
        add(m, USAGE, "bad command line");
        add(m, CANNOT_CONNECT, "cannot resolve the server's name or connect to it");
        add(m, TIMED_OUT, "timed out: connecting, or the server went silent");
        add(m, CONNECTION_LOST, "the connection broke before the end");
        add(m, NOT_FOUND, "the server refused: no such file (or not a regular file)");
        add(m, ACCESS_DENIED, "the server refused: access denied");
        add(m, BUSY, "the server refused: busy or shutting down (try again later)");
        add(m, REFUSED, "the server refused the request for another reason");
        add(m, INTEGRITY, "integrity failure: size or digest mismatch (sum: a wrong sum; put: the server's check)");
        add(m, LOCAL, "local file error: destination exists, cannot write, disk full");
        add(m, PROTOCOL, "protocol error: not a netlab server, or a malformed answer");
        add(m, ALREADY_EXISTS, "put: the remote file exists (--overwrite, on a server with --allow-overwrite)");
        add(m, TOO_LARGE, "put: the server refused the size (--max-upload, or its free-space floor)");
        return m;
    }

    private static void add(Map<String, String> m, int code, String meaning) {
        m.put(String.format(Locale.ROOT, "%2d", code), meaning);
    }
}
