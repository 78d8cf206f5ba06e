package io.netlab.server;

/**
 * The echo server (the lab's exercise 1, TCPServer.py): answers every line with the same line in upper case.
 * <pre>{@code
 * RunningServer server = EchoServer.builder().port(12000).start();
 * }</pre>
 */
public final class EchoServer {
    /** The longest line the echo service accepts, in bytes. */
    public static final int MAX_LINE = 8192;

    private EchoServer() {
    }

    /** {@return a builder with the defaults of {@link ServerBuilder}} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an echo server. */
    public static final class Builder extends ServerBuilder<Builder> {
        private Builder() {
        }

        @Override
        Protocols.Protocol protocol(ServerConfig config) {
            return Protocols.echo();
        }
    }
}
