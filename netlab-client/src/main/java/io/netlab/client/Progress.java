package io.netlab.client;

/** Receives the progress of a transfer; called on the event loop, so implementations must be quick. */
public interface Progress {
    /** Reports nothing. */
    Progress NONE = new Progress() {
    };

    /**
     * The server announced the file's size.
     *
     * @param total the bytes to come
     */
    default void start(long total) {
    }

    /**
     * More bytes are on disk.
     *
     * @param received the bytes received so far, of the total
     */
    default void update(long received) {
    }

    /** The transfer ended, well or not. */
    default void finish() {
    }
}
