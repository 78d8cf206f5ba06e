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
     * More bytes are on disk; a resumed transfer starts above 0.
     *
     * @param received the bytes received so far, of the total
     */
    default void update(long received) {
    }

    /**
     * Something the user should know about the fetch while it goes on, one line: a partial file discarded, the
     * fetch starting over (see {@link FetchOptions#resume()}). Called on the fetching thread.
     *
     * @param message the line to show
     */
    default void note(String message) {
    }

    /** The transfer ended, well or not. */
    default void finish() {
    }
}
