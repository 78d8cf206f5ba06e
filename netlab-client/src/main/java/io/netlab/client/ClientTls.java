package io.netlab.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * How a client speaks TLS to a server started with {@code --tls-cert}: which certificates it trusts. Netty's
 * {@code SslHandler} (the JDK's provider) goes first in the client's pipeline, and a failed handshake becomes one
 * {@link ClientException} line that says why (not trusted, expired, wrong host, wrong fingerprint, a plain server).
 * <ul>
 *   <li>{@link #systemTrust()}: the JDK's trust store, with host name verification;</li>
 *   <li>{@link #trustCa(Path)}: only certificates signed by one CA, with host name verification;</li>
 *   <li>{@link #pinned(String)}: only the one certificate whose SHA-256 fingerprint is given, as the server logs it
 *       at start ({@code SHA256:<64 hex digits>}); no host name check, as with ssh.</li>
 * </ul>
 */
public final class ClientTls {
    private final SslContext context;
    private final String description;

    private ClientTls(SslContext context, String description) {
        this.context = context;
        this.description = description;
    }

    /**
     * Trusts the certificates the JDK's trust store trusts, and checks the host name.
     *
     * @return the setting
     * @throws IOException when the JDK's TLS cannot be set up
     */
    public static ClientTls systemTrust() throws IOException {
        return new ClientTls(SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build(),
                "TLS, the JDK's trust store");
    }

    /**
     * Trusts only certificates signed by the CA in a PEM file, and checks the host name.
     *
     * @param caPem the CA's certificate(s), PEM
     * @return the setting
     * @throws IOException when the file cannot be read or holds no certificate
     */
    public static ClientTls trustCa(Path caPem) throws IOException {
        if (!Files.isReadable(caPem)) {
            throw new IOException("cannot read " + caPem);
        }
        try {
            return new ClientTls(SslContextBuilder.forClient().trustManager(caPem.toFile())
                    .endpointIdentificationAlgorithm("HTTPS").build(), "TLS, CA " + caPem);
        } catch (IllegalArgumentException e) {
            throw new IOException(caPem + " holds no usable certificate (expected: PEM)", e);
        }
    }

    /**
     * Trusts only the certificate with this SHA-256 fingerprint (and only while it is valid); no host name check.
     *
     * @param fingerprint {@code SHA256:} and 64 hex digits (colons allowed), as the server logs it
     * @return the setting
     * @throws IllegalArgumentException when the fingerprint is malformed
     * @throws IOException              when the JDK's TLS cannot be set up
     */
    public static ClientTls pinned(String fingerprint) throws IOException {
        byte[] expected = parseFingerprint(fingerprint);
        return new ClientTls(SslContextBuilder.forClient().trustManager(new PinningTrustManager(expected))
                .endpointIdentificationAlgorithm(null).build(), "TLS, pinned " + format(expected));
    }

    /** {@code SHA256:<hex>} (or bare hex, colons allowed) to 32 bytes. */
    static byte[] parseFingerprint(String fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        String hex = fingerprint.strip();
        if (hex.regionMatches(true, 0, "SHA256:", 0, 7)) {
            hex = hex.substring(7);
        } else if (hex.regionMatches(true, 0, "SHA-256:", 0, 8)) {
            hex = hex.substring(8);
        }
        hex = hex.replace(":", "");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("fingerprint: " + fingerprint
                    + " (expected: SHA256: and 64 hex digits, as the server logs it)");
        }
        return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    }

    /**
     * The fingerprint of a certificate as the server logs it and {@link #pinned(String)} takes it.
     *
     * @param certificate the certificate
     * @return {@code SHA256:} and 64 lower-case hex digits
     * @throws CertificateException when the certificate cannot be encoded
     */
    public static String fingerprint(X509Certificate certificate) throws CertificateException {
        return format(sha256(certificate.getEncoded()));
    }

    private static String format(byte[] sha256) {
        return "SHA256:" + HexFormat.of().formatHex(sha256);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A handler for a connection to {@code server}; it goes first in the pipeline. */
    SslHandler newHandler(ByteBufAllocator alloc, Endpoint server, long handshakeTimeoutMillis) {
        SslHandler handler = context.newHandler(alloc, server.host(), server.port());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /** A failed handshake with {@code where} ({@code host:port}) in one line, as a {@link ClientException}. */
    static ClientException handshakeFailed(String where, Throwable failure) {
        Throwable cause = failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return new ClientException(ClientException.Kind.PROTOCOL, "the server at " + where
                        + " does not speak TLS (it answered in plain text): try without --tls", failure);
            }
            if (t instanceof CertificateExpiredException) {
                return new ClientException(ClientException.Kind.CONNECT, "TLS: the certificate of " + where
                        + " has expired (" + t.getMessage() + "): refused", failure);
            }
            if (t instanceof CertificateNotYetValidException) {
                return new ClientException(ClientException.Kind.CONNECT, "TLS: the certificate of " + where
                        + " is not valid yet (" + t.getMessage() + "): refused", failure);
            }
            if (t instanceof PinMismatch) {
                return new ClientException(ClientException.Kind.CONNECT, "TLS: " + t.getMessage() + ": refused", failure);
            }
        }
        String text = String.valueOf(rootMessage(cause));
        if (text.contains("PKIX path") || text.contains("unable to find valid certification path")) {
            return new ClientException(ClientException.Kind.CONNECT, "TLS: the certificate of " + where
                    + " is not signed by a CA this client trusts (--tls-ca, or the JDK's trust store): refused", failure);
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return new ClientException(ClientException.Kind.CONNECT, "TLS: the certificate of " + where
                    + " is not for that host (" + text + "): refused", failure);
        }
        if (cause instanceof ClosedChannelException || cause instanceof SSLException && text.contains("closed")) {
            return new ClientException(ClientException.Kind.PROTOCOL, "the server at " + where
                    + " closed the connection during the TLS handshake: does it speak TLS? (try without --tls)", failure);
        }
        return new ClientException(ClientException.Kind.CONNECT, "TLS handshake with " + where + " failed: " + text, failure);
    }

    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        while (t.getCause() != null) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    @Override
    public String toString() {
        return description;
    }

    /** The pinned certificate is not the server's. */
    private static final class PinMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;

        PinMismatch(String message) {
            super(message);
        }
    }

    /** Trusts one certificate, by its SHA-256 fingerprint, while it is valid. */
    private static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final byte[] expected;

        PinningTrustManager(byte[] expected) {
            this.expected = expected;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            byte[] actual = sha256(chain[0].getEncoded());
            if (!MessageDigest.isEqual(actual, expected)) {
                throw new PinMismatch("the server's certificate is " + format(actual) + ", not the pinned "
                        + format(expected));
            }
            chain[0].checkValidity();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client trust manager only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
