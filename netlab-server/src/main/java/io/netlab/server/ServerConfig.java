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
 * @param maxConnections          connections held at most; more are answered BUSY
 * @param maxConnectionsPerClient connections held at most from one client address; more are answered BUSY
 */
public record ServerConfig(InetAddress bindAddress, int port, Transport transport, int threads, Duration idleTimeout,
                           Duration requestTimeout, Duration shutdownGrace, boolean wireLog, int maxConnections,
                           int maxConnectionsPerClient) {
    /** The default connection cap. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** The default per-address connection cap. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;

    /** With the default connection caps. */
    public ServerConfig(InetAddress bindAddress, int port, Transport transport, int threads, Duration idleTimeout,
                        Duration requestTimeout, Duration shutdownGrace, boolean wireLog) {
        this(bindAddress, port, transport, threads, idleTimeout, requestTimeout, shutdownGrace, wireLog,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
    }

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
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + ", maxConnectionsPerClient: "
                    + maxConnectionsPerClient + " (expected: >= 1)");
        }
    }

    /** A copy with other connection caps. */
    public ServerConfig withConnectionLimits(int total, int perClient) {
        return new ServerConfig(bindAddress, port, transport, threads, idleTimeout, requestTimeout, shutdownGrace,
                wireLog, total, perClient);
    }

    /** Defaults on the given address and port: auto transport, 60 s idle, 10 s request, 10 s grace. */
    public static ServerConfig of(InetAddress bindAddress, int port) {
        return new ServerConfig(bindAddress, port, Transport.AUTO, 0, Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(10), false);
    }
}
