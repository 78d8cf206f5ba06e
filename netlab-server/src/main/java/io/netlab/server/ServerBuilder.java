package io.netlab.server;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every netlab server shares: where it listens, its transport and threads, its timeouts and
 * connection caps. {@link FileServer#builder()}, {@link SumServer#builder()} and {@link EchoServer#builder()}
 * extend it with their own; {@link #start()} binds and returns the running server.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ServerBuilder<B extends ServerBuilder<B>> {
    /** The default cap on connections held at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** The default cap on connections held at once from one client address. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;

    private InetAddress bindAddress;
    private int port;
    private Transport transport = Transport.AUTO;
    private int threads;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private boolean wireLog;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    private boolean proxyProtocol;
    private SslContext tls;

    ServerBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * The local address to listen on.
     *
     * @param address an address of this host, or {@code null} (the default) for every interface
     * @return this builder
     */
    public B bind(InetAddress address) {
        this.bindAddress = address;
        return self();
    }

    /**
     * The port to listen on.
     *
     * @param port 0..65535; 0 (the default) for an ephemeral one, which {@link RunningServer#localAddress()} tells
     * @return this builder
     */
    public B port(int port) {
        this.port = checkRange("port", port, 0, 65535);
        return self();
    }

    /**
     * The I/O transport.
     *
     * @param transport the transport (default: {@link Transport#AUTO})
     * @return this builder
     */
    public B transport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return self();
    }

    /**
     * The number of event loop threads.
     *
     * @param threads 0..1024; 0 (the default) for Netty's default, twice the cores
     * @return this builder
     */
    public B threads(int threads) {
        this.threads = checkRange("threads", threads, 0, 1024);
        return self();
    }

    /**
     * A connection that makes no progress, reading or writing, for this long is closed.
     *
     * @param timeout positive (default: 60 s)
     * @return this builder
     */
    public B idleTimeout(Duration timeout) {
        this.idleTimeout = checkPositive("idleTimeout", timeout);
        return self();
    }

    /**
     * The time a client has to send its whole request.
     *
     * @param timeout positive (default: 10 s)
     * @return this builder
     */
    public B requestTimeout(Duration timeout) {
        this.requestTimeout = checkPositive("requestTimeout", timeout);
        return self();
    }

    /**
     * On {@link RunningServer#close()}, how long connections in progress may take to finish.
     *
     * @param grace zero or more (default: 10 s)
     * @return this builder
     */
    public B shutdownGrace(Duration grace) {
        Objects.requireNonNull(grace, "shutdownGrace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace: " + grace + " (expected: >= 0)");
        }
        this.shutdownGrace = grace;
        return self();
    }

    /**
     * Whether to log every byte through Netty's {@code LoggingHandler} at INFO.
     *
     * @param on {@code true} to log (default: no)
     * @return this builder
     */
    public B wireLog(boolean on) {
        this.wireLog = on;
        return self();
    }

    /**
     * The connections held at most; more are answered BUSY.
     *
     * @param n at least 1 (default {@value #DEFAULT_MAX_CONNECTIONS})
     * @return this builder
     */
    public B maxConnections(int n) {
        this.maxConnections = checkRange("maxConnections", n, 1, Integer.MAX_VALUE);
        return self();
    }

    /**
     * The connections held at most from one client address; more are answered BUSY.
     *
     * @param n at least 1 (default {@value #DEFAULT_MAX_CONNECTIONS_PER_CLIENT})
     * @return this builder
     */
    public B maxConnectionsPerClient(int n) {
        this.maxConnectionsPerClient = checkRange("maxConnectionsPerClient", n, 1, Integer.MAX_VALUE);
        return self();
    }

    /**
     * Whether every connection begins with a PROXY protocol header (v1 or v2), as HAProxy sends with
     * {@code send-proxy} or {@code send-proxy-v2}: its source address is then the client's for log lines, the
     * per-client cap and BUSY answers ({@link ClientAddress}). A connection without a valid header within the
     * request timeout is closed. Turn it on only behind a proxy: a client could otherwise name any address.
     *
     * @param on {@code true} to require the header (default: no)
     * @return this builder
     */
    public B proxyProtocol(boolean on) {
        this.proxyProtocol = on;
        return self();
    }

    /**
     * Serves over TLS: Netty's {@code SslHandler} goes first in every connection's pipeline, and zero-copy sending
     * is off (the bytes must pass through the TLS engine).
     *
     * @param context a server context ({@code SslContextBuilder.forServer(...)}), or {@code null} for plain TCP
     *                (the default)
     * @return this builder
     */
    public B tls(SslContext context) {
        if (context != null && !context.isServer()) {
            throw new IllegalArgumentException("tls: a client context (expected: SslContextBuilder.forServer(...))");
        }
        this.tls = context;
        return self();
    }

    /**
     * Serves over TLS with a certificate chain and its private key in PEM files ({@link #tlsContext(Path, Path)}).
     *
     * @param certChain the certificate chain, PEM ({@code -----BEGIN CERTIFICATE-----}), the server's first
     * @param key       its private key, PEM, PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), not encrypted
     * @return this builder
     * @throws IOException when a file cannot be read or does not hold what it should
     */
    public B tls(Path certChain, Path key) throws IOException {
        return tls(tlsContext(certChain, key));
    }

    /**
     * A server TLS context for a certificate chain and its private key in PEM files, with OpenSSL when netty-tcnative
     * is on the class path and the JDK's provider otherwise.
     *
     * @param certChain the certificate chain, PEM, the server's first
     * @param key       its private key, PEM, PKCS#8, not encrypted
     * @return the context, for {@link #tls(SslContext)}
     * @throws IOException when a file cannot be read or does not hold what it should
     */
    public static SslContext tlsContext(Path certChain, Path key) throws IOException {
        try {
            return SslContextBuilder.forServer(certChain.toFile(), key.toFile())
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK).build();
        } catch (IllegalArgumentException | SSLException e) {
            throw new IOException("cannot use " + certChain + " and " + key + ": " + rootMessage(e), e);
        }
    }

    /**
     * A server TLS context for a private key and its certificate chain held in memory (a certificate made at start,
     * say), with OpenSSL when netty-tcnative is on the class path and the JDK's provider otherwise.
     *
     * @param key       the private key
     * @param certChain the certificate chain, the server's first
     * @return the context, for {@link #tls(SslContext)}
     * @throws IOException when the key and the chain cannot be used together
     */
    public static SslContext tlsContext(PrivateKey key, X509Certificate... certChain) throws IOException {
        try {
            return SslContextBuilder.forServer(key, certChain)
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK).build();
        } catch (IllegalArgumentException | SSLException e) {
            throw new IOException("cannot use this key and certificate: " + rootMessage(e), e);
        }
    }

    /**
     * {@return the TLS engine that {@link #tlsContext} uses here: {@code "OpenSSL"} and its version when
     * netty-tcnative is on the class path, else {@code "JDK"}}
     */
    public static String tlsProvider() {
        return OpenSsl.isAvailable() ? "OpenSSL, " + OpenSsl.versionString() : "JDK";
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /**
     * Binds the server and starts serving.
     *
     * @return the running server; close it to shut it down gracefully
     * @throws IOException           when the address cannot be bound (in use, not available, not permitted)
     * @throws IllegalStateException when a setting cannot be met here (epoll asked for where it is missing)
     * @throws InterruptedException  when interrupted while binding
     */
    public final RunningServer start() throws IOException, InterruptedException {
        ServerConfig config = new ServerConfig(bindAddress, port, transport.resolve(), threads, idleTimeout,
                requestTimeout, shutdownGrace, wireLog, maxConnections, maxConnectionsPerClient, proxyProtocol, tls);
        return RunningServer.start(config, protocol(config));
    }

    /** The protocol's part of each connection's pipeline. */
    abstract Protocols.Protocol protocol(ServerConfig config);

    static int checkRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + min + ".." + max + ')');
        }
        return value;
    }

    private static Duration checkPositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": " + d + " (expected: > 0)");
        }
        return d;
    }
}
