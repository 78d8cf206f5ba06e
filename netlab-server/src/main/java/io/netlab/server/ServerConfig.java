package io.netlab.server;

import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.time.Duration;

/** What every netlab server needs to listen, as a {@link ServerBuilder} collected it ({@code tls}: {@code null} for plain TCP). */
record ServerConfig(InetAddress bindAddress, int port, Transport transport, int threads, Duration idleTimeout,
                    Duration requestTimeout, Duration shutdownGrace, boolean wireLog, int maxConnections,
                    int maxConnectionsPerClient, boolean proxyProtocol, SslContext tls) {
}
