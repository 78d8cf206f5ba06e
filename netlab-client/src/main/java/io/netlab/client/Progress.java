package io.netlab.client;

/** Receives the progress of a transfer; called on the event loop, so implementations must be quick. */
public interface Progress {
    /** Reports nothing. */
    Progress NONE = new Progress() {
    };

    /** The server announced {@code total} bytes. */
    default void start(long total) {
    }

    /** {@code received} bytes (of the total) are on disk. */
    default void update(long received) {
    }

    /** The transfer ended, well or not. */
    default void finish() {
    }
}
