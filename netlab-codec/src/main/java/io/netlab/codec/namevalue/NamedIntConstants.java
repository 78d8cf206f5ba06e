package io.netlab.codec.namevalue;

/** Limits of the name/int protocol. */
public final class NamedIntConstants {
    /** The default and largest name, in bytes of UTF-8. */
    public static final int MAX_NAME_LENGTH = 1024;
    /** Body of a request: name length (2), name, number (4). */
    static final int REQUEST_FIXED_LENGTH = 2 + 4;
    /** Body of a reply: name length (2), name, number (4), sum (8). */
    static final int REPLY_FIXED_LENGTH = 2 + 4 + 8;

    private NamedIntConstants() {
    }
}
