package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.SumReply;
import io.netlab.codec.SumRequest;
import io.netlab.server.EchoServer;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netlab.server.SumServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS (issue 12, section 3) with real handshakes on 127.0.0.1: certificates made by keytool (skipped without it),
 * fetches verified byte for byte with a pinned fingerprint and with a CA, the refusals (another CA, another
 * fingerprint, an expired certificate), one sentence for a plain peer on either side, resume, HTTPS, sum and echo.
 */
class TlsTest {
    private static final int SIZE = 3 * 1024 * 1024 + 12345;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path root;
    @TempDir
    static Path certs;
    static byte[] data;
    static TestCerts.Ca ca;
    static TestCerts.Ca otherCa;
    static TestCerts.ServerCert good;
    static RunningServer tlsServer;
    static RunningServer plainServer;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCerts.ca(certs, "ca");
        otherCa = TestCerts.ca(certs, "other");
        good = TestCerts.server(certs, ca, "good");
        data = new byte[SIZE];
        new Random(12).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        tlsServer = TestServers.local(FileServer.builder(), Transport.AUTO).root(root).tls(good.cert(), good.key())
                .start();
        plainServer = TestServers.file(root, Transport.AUTO);
    }

    @AfterAll
    static void stop() {
        if (tlsServer != null) {
            tlsServer.close();
        }
        if (plainServer != null) {
            plainServer.close();
        }
    }

    private static Path out() throws Exception {
        return Files.createTempDirectory(root, "out").resolve("copy.bin");
    }

    private static TransferResult fetch(RunningServer server, ClientTls tls, FetchOptions options) throws Exception {
        Path out = out();
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, options.toBuilder().tls(tls)
                .build(), Progress.NONE);
        assertThat(Files.readAllBytes(out)).as("byte for byte").isEqualTo(data);
        return r;
    }

    /** With 64 KiB blocks and no digest a plain server would use sendfile: under TLS it must not. */
    @ParameterizedTest(name = "{0}-byte blocks, {1}")
    @CsvSource({"65536,NONE", "1024,CRC32C", "1000000,SHA256"})
    void aPinnedFetchIsByteForByte(int blockSize, DigestAlgorithm digest) throws Exception {
        TransferResult r = fetch(tlsServer, ClientTls.pinned(good.fingerprint()),
                FetchOptions.defaults().withBlockSize(blockSize).withDigest(digest));
        assertThat(r.bytes()).isEqualTo(SIZE);
    }

    @Test
    void aFetchTrustingTheCaIsByteForByte() throws Exception {
        fetch(tlsServer, ClientTls.trustCa(ca.pem()), FetchOptions.defaults().withBlockSize(65536));
    }

    @Test
    void theFingerprintMayBeWrittenWithColonsAndCapitals() throws Exception {
        String hex = good.fingerprint().substring("SHA256:".length()).toUpperCase(java.util.Locale.ROOT);
        StringBuilder colons = new StringBuilder("sha256:");
        for (int i = 0; i < hex.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        fetch(tlsServer, ClientTls.pinned(colons.toString()), FetchOptions.defaults());
        assertThatThrownBy(() -> ClientTls.pinned("SHA256:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }

    private static ClientException refused(RunningServer server, ClientTls tls) throws Exception {
        Path out = out();
        try {
            FileFetcher.fetch(TestServers.endpoint(server), "data.bin", out, FetchOptions.defaults().toBuilder().tls(tls)
                    .build(), Progress.NONE);
        } catch (ClientException e) {
            assertThat(out).doesNotExist();
            try (var files = Files.list(out.getParent())) {
                assertThat(files).as("nothing left behind").isEmpty();
            }
            return e;
        }
        throw new AssertionError("the fetch went through");
    }

    @Test
    void anotherCaIsRefused() throws Exception {
        ClientException e = refused(tlsServer, ClientTls.trustCa(otherCa.pem()));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
        assertThat(e.getMessage()).isEqualTo("TLS: the certificate of 127.0.0.1:" + tlsServer.localAddress().getPort()
                + " is not signed by a CA this client trusts (--tls-ca, or the JDK's trust store): refused");
    }

    @Test
    void theJdkTrustStoreRefusesATestCa() throws Exception {
        ClientException e = refused(tlsServer, ClientTls.systemTrust());
        assertThat(e.getMessage()).contains("is not signed by a CA this client trusts");
    }

    @Test
    void anotherFingerprintIsRefused() throws Exception {
        ClientException e = refused(tlsServer, ClientTls.pinned("SHA256:" + "ab".repeat(32)));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.CONNECT);
        assertThat(e.getMessage()).isEqualTo("TLS: the server's certificate is " + good.fingerprint()
                + ", not the pinned SHA256:" + "ab".repeat(32) + ": refused");
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        TestCerts.ServerCert expired = TestCerts.server(certs, ca, "expired", "-startdate", "-2d", "-validity", "1");
        try (RunningServer server = TestServers.local(FileServer.builder(), Transport.AUTO).root(root)
                .tls(expired.cert(), expired.key()).start()) {
            ClientException e = refused(server, ClientTls.trustCa(ca.pem()));
            assertThat(e.getMessage()).startsWith("TLS: the certificate of 127.0.0.1:" + server.localAddress().getPort()
                    + " has expired (").endsWith("): refused");
            assertThat(refused(server, ClientTls.pinned(expired.fingerprint())).getMessage()).contains("has expired");
        }
    }

    @Test
    void aPlainClientOnATlsServerGetsOneSentence() throws Exception {
        ClientException e = refused(tlsServer, null);
        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).isEqualTo("the server speaks TLS and this client did not: add --tls (fetching data.bin"
                + " from 127.0.0.1:" + tlsServer.localAddress().getPort() + ")");
        assertThatThrownBy(() -> RawFetcher.fetch(TestServers.endpoint(tlsServer), "data.bin", out(),
                FetchOptions.defaults(), Progress.NONE)).isInstanceOf(ClientException.class)
                .hasMessageStartingWith("the server speaks TLS and this client did not: add --tls");
        try (RunningServer echo = TestServers.local(EchoServer.builder(), Transport.AUTO).tls(good.cert(), good.key())
                .start();
             EchoClient client = EchoClient.connect(TestServers.endpoint(echo), TIMEOUT, Transport.AUTO)) {
            assertThatThrownBy(() -> client.send("hello")).isInstanceOf(ClientException.class)
                    .hasMessage("the server speaks TLS and this client did not: add --tls");
        }
        // the raw lab client: the sentence as text
        try (Socket s = new Socket("127.0.0.1", tlsServer.localAddress().getPort())) {
            s.getOutputStream().write("data.bin\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("ERROR: this server speaks TLS: connect with TLS (netlab-client --tls, https://)\n");
        }
        // HTTP: a 400 with the sentence
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + tlsServer.localAddress().getPort() + "/data.bin")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("this server speaks TLS: connect with TLS (netlab-client --tls, https://)\n");
    }

    @Test
    void aTlsClientOnAPlainServerGetsOneSentence() throws Exception {
        ClientException e = refused(plainServer, ClientTls.pinned(good.fingerprint()));
        assertThat(e.getMessage()).contains("127.0.0.1:" + plainServer.localAddress().getPort())
                .containsAnyOf("does not speak TLS", "closed the connection during the TLS handshake")
                .contains("try without --tls");
    }

    @Test
    void aCutTransferIsContinuedUnderTls() throws Exception {
        Path out = out();
        FetchOptions options = FetchOptions.defaults().withBlockSize(65536).toBuilder()
                .tls(ClientTls.pinned(good.fingerprint())).build();
        try (FaultProxy proxy = new FaultProxy(tlsServer.localAddress(), FaultProxy.Fault.FIN, 1_500_000, 0)) {
            FileFetcher.fetch(new Endpoint("127.0.0.1", proxy.port(), null), "data.bin", out, options, Progress.NONE);
            throw new AssertionError("the fetch went through a relay that cuts");
        } catch (ClientException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ClientException.Kind.INTERRUPTED);
        }
        Path partial = out.resolveSibling(".copy.bin.netlab-partial");
        long kept = Files.size(partial);
        assertThat(kept).isPositive().isLessThan(1_500_000);
        assertThat(Files.readAllBytes(partial)).isEqualTo(Arrays.copyOf(data, (int) kept));
        TransferResult r = FileFetcher.fetch(TestServers.endpoint(tlsServer), "data.bin", out,
                options.withResume(true), Progress.NONE);
        assertThat(r.resumedAt()).isEqualTo(kept);
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
    }

    @Test
    void httpsServesTheFileAndRanges() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca.pem())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();
        URI uri = URI.create("https://localhost:" + tlsServer.localAddress().getPort() + "/data.bin");
        HttpResponse<byte[]> whole = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(data);
        HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(uri).header("Range", "bytes=1000000-")
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 1_000_000, SIZE));
    }

    @Test
    void sumAndEchoSpeakTls() throws Exception {
        ClientTls tls = ClientTls.trustCa(ca.pem());
        try (RunningServer sum = TestServers.local(SumServer.builder(), Transport.AUTO).name("TLS sum").number(33)
                .keepRunning(true).tls(good.cert(), good.key()).start()) {
            SumReply reply = SumClient.exchange(TestServers.endpoint(sum), new SumRequest("Ana", 9), TIMEOUT,
                    Transport.AUTO, tls);
            assertThat(reply.name()).isEqualTo("TLS sum");
            assertThat(reply.sum()).isEqualTo(42);
            SumReply text = SumTextClient.exchange(TestServers.endpoint(sum), new SumRequest("Ana", 9), TIMEOUT,
                    Transport.AUTO, tls);
            assertThat(text.sum()).isEqualTo(42);
        }
        try (RunningServer echo = TestServers.local(EchoServer.builder(), Transport.AUTO).tls(good.cert(), good.key())
                .start();
             EchoClient client = EchoClient.connect(TestServers.endpoint(echo), TIMEOUT, Transport.AUTO, tls)) {
            assertThat(client.send("hello over tls")).isEqualTo("HELLO OVER TLS");
        }
    }
}
