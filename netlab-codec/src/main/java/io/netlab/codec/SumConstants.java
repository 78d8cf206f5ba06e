package io.netlab.codec;

/** Limits of the sum protocol (the lab's "adding two numbers"). */
public final class SumConstants {
    /** The default and largest name, in bytes of UTF-8. */
    public static final int MAX_NAME_LENGTH = 1024;
    /** Body of a request: name length (2), name, number (4). */
    static final int REQUEST_FIXED_LENGTH = 2 + 4;
    /** Body of a reply: name length (2), name, number (4), sum (8). */
    static final int REPLY_FIXED_LENGTH = 2 + 4 + 8;

    private SumConstants() {
    }
}
