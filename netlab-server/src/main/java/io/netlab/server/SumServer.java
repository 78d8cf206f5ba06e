package io.netlab.server;

import io.netlab.codec.SumConstants;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The "adding two numbers" server (the lab's exercise 2): each client sends a name and a number; the server answers
 * with its own name, its number and the sum. A number outside the range (the lab's 1..100) is refused with
 * OUT_OF_RANGE and, unless {@link Builder#keepRunning(boolean) keepRunning}, shuts the whole server down once the
 * refusal is sent. What the lab asks the server to display is reported to a {@link Listener}. On the same port it
 * also answers students' text clients: a line {@code NAME,NUMBER}, answered {@code SERVER NAME,SERVER NUMBER}
 * (docs/protocol.md, section 2).
 */
public final class SumServer {
    /** The lab's range. */
    public static final int LAB_MIN = 1;
    /** The lab's range. */
    public static final int LAB_MAX = 100;

    private SumServer() {
    }

    /** {@return a builder: a default name, a random number in 1..100, the lab's range, shutdown on an out-of-range number} */
    public static Builder builder() {
        return new Builder();
    }

    /** Hears what the server does with each request; called on event loops, possibly concurrently. */
    public interface Listener {
        /**
         * A request in range was answered with the sum.
         *
         * @param client       the client's address
         * @param clientName   the client's name, as received (escape it before printing)
         * @param clientNumber the client's number
         * @param serverName   the server's name
         * @param serverNumber the server's number
         * @param sum          the sum sent back
         */
        default void answered(SocketAddress client, String clientName, int clientNumber, String serverName,
                              int serverNumber, long sum) {
        }

        /**
         * A request out of range was refused.
         *
         * @param client       the client's address
         * @param clientName   the client's name, as received (escape it before printing)
         * @param clientNumber the client's number
         * @param serverName   the server's name
         * @param min          the smallest number accepted
         * @param max          the largest number accepted
         * @param shuttingDown whether the server stops because of it
         */
        default void refused(SocketAddress client, String clientName, int clientNumber, String serverName, int min,
                             int max, boolean shuttingDown) {
        }
    }

    /** Builds a sum server. */
    public static final class Builder extends ServerBuilder<Builder> {
        private String name = "Server of netlab";
        private int number = ThreadLocalRandom.current().nextInt(LAB_MIN, LAB_MAX + 1);
        private int min = LAB_MIN;
        private int max = LAB_MAX;
        private boolean keepRunning;
        private Listener listener = new Listener() {
        };

        private Builder() {
        }

        /**
         * The server's name, sent in every reply.
         *
         * @param name at most {@value SumConstants#MAX_NAME_LENGTH} bytes of UTF-8 (the protocol's limit)
         * @return this builder
         * @throws IllegalArgumentException when it is longer
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            int bytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > SumConstants.MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("name: " + bytes + " bytes of UTF-8 (expected: <= "
                        + SumConstants.MAX_NAME_LENGTH + ')');
            }
            this.name = name;
            return this;
        }

        /**
         * The server's number, added to each client's.
         *
         * @param number any int (default: random in the range)
         * @return this builder
         */
        public Builder number(int number) {
            this.number = number;
            return this;
        }

        /**
         * The numbers accepted from clients (default: the lab's 1..100).
         *
         * @param min the smallest number accepted
         * @param max the largest number accepted, at least {@code min}
         * @return this builder
         */
        public Builder range(int min, int max) {
            if (min > max) {
                throw new IllegalArgumentException("min: " + min + " (expected: <= max " + max + ')');
            }
            this.min = min;
            this.max = max;
            return this;
        }

        /**
         * Whether to refuse out-of-range numbers and keep serving, instead of shutting down (the lab's way).
         *
         * @param keepRunning {@code true} to keep running (default: no)
         * @return this builder
         */
        public Builder keepRunning(boolean keepRunning) {
            this.keepRunning = keepRunning;
            return this;
        }

        /**
         * Where the lab's display goes.
         *
         * @param listener the listener (default: none; the command line prints the display)
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        @Override
        Protocols.Protocol protocol(ServerConfig config) {
            return Protocols.sum(new SumRules(name, number, min, max, keepRunning, listener));
        }
    }

    /** The server's identity and rules, fixed when it starts. */
    record SumRules(String name, int number, int min, int max, boolean keepRunning, Listener listener) {
        boolean inRange(int value) {
            return value >= min && value <= max;
        }
    }
}
