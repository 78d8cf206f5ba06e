package io.netlab.server;

import io.netlab.runtime.Transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What every netlab server needs to listen: where, on which transport, and its timeouts.
 *
 * @param bindAddress    the local address, or {@code null} for every interface
 * @param port           the port, 0 for an ephemeral one
 * @param transport      the I/O transport
 * @param threads        event loop threads, 0 for Netty's default
 * @param idleTimeout    a connection that neither reads nor writes for this long is closed
 * @param requestTimeout a client must send its whole request within this time
 * @param shutdownGrace  how long a shutdown waits for connections in progress to finish
 * @param wireLog        whether to log every byte through Netty's LoggingHandler
 */
public record ServerConfig(InetAddress bindAddress, int port, Transport transport, int threads, Duration idleTimeout,
                           Duration requestTimeout, Duration shutdownGrace, boolean wireLog) {
    /** Checks the fields. */
    public ServerConfig {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
        }
    }

    /** Defaults on the given address and port: auto transport, 60 s idle, 10 s request, 10 s grace. */
    public static ServerConfig of(InetAddress bindAddress, int port) {
        return new ServerConfig(bindAddress, port, Transport.AUTO, 0, Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(10), false);
    }
}
