package io.netlab.client;

import io.netty.channel.ChannelHandler;

import java.util.concurrent.CompletableFuture;

/**
 * A request handler a {@link FileSession} adds to its connection: it sends its request when added to a connected
 * channel and completes {@link #result()} with the answer. When the connection closed before any byte of an
 * answer came (an older server closes after every answer), the session connects again and adds it once more.
 *
 * @param <T> what the answer gives
 */
interface SessionRequest<T> extends ChannelHandler {
    /** {@return completes with the answer, or fails with a {@link ClientException}} */
    CompletableFuture<T> result();

    /** {@return whether the connection closed (or was reset) before the server sent any byte of an answer} */
    boolean unanswered();

    /**
     * On the event loop, instead of adding the handler: the connection closed before the request could be sent
     * (a close handled between the session's check and its hand-off). Fails {@link #result()} as a close without
     * an answer, with {@link #unanswered()} true, so that the session connects again.
     */
    void closedBeforeSending();

    /** Makes the handler ready to send its request again on a new connection; false when it cannot be. */
    boolean rearm();
}
