package io.netlab.client;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made with the JDK's {@code keytool} (tests only; a test is skipped when it is missing): a CA,
 * and server certificates it signs for 127.0.0.1 and localhost, as PEM files the server's {@code --tls-cert} and
 * {@code --tls-key} take (EC P-256 keys: quick to make).
 */
final class TestCerts {
    private static final String PASS = "changeit";

    /** A server certificate and its key, as PEM files. */
    record ServerCert(Path cert, Path key) {
        X509Certificate certificate() throws Exception {
            try (InputStream in = Files.newInputStream(cert)) {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        }

        String fingerprint() throws Exception {
            return ClientTls.fingerprint(certificate());
        }
    }

    /** A CA: its keystore and its certificate as PEM. */
    record Ca(Path keystore, Path pem) {
    }

    private TestCerts() {
    }

    private static Path keytool() {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Assumptions.assumeTrue(Files.isExecutable(keytool), "no keytool in " + keytool.getParent() + ": skipped");
        return keytool;
    }

    private static void run(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(keytool().toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + ": " + new String(out, StandardCharsets.UTF_8));
        }
    }

    /** A new CA named {@code name} in {@code dir}. */
    static Ca ca(Path dir, String name) throws Exception {
        run(dir, "-genkeypair", "-keystore", name + ".p12", "-storepass", PASS, "-alias", "ca", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "30");
        run(dir, "-exportcert", "-rfc", "-keystore", name + ".p12", "-storepass", PASS, "-alias", "ca", "-file",
                name + ".pem");
        return new Ca(dir.resolve(name + ".p12"), dir.resolve(name + ".pem"));
    }

    /**
     * A server certificate for 127.0.0.1 and localhost, signed by {@code ca}.
     *
     * @param validity extra keytool options, e.g. {@code -startdate -2d -validity 1} for one that has expired
     */
    static ServerCert server(Path dir, Ca ca, String name, String... validity) throws Exception {
        run(dir, "-genkeypair", "-keystore", name + ".p12", "-storepass", PASS, "-alias", "s", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost");
        run(dir, "-certreq", "-keystore", name + ".p12", "-storepass", PASS, "-alias", "s", "-file", name + ".csr");
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-keystore", ca.keystore().toString(), "-storepass",
                PASS, "-alias", "ca", "-infile", name + ".csr", "-outfile", name + ".pem", "-rfc", "-ext",
                "san=ip:127.0.0.1,dns:localhost"));
        gencert.addAll(List.of(validity.length == 0 ? new String[] {"-validity", "30"} : validity));
        run(dir, gencert.toArray(String[]::new));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, PASS.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("s", PASS.toCharArray());
        Path keyPem = dir.resolve(name + ".key");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new ServerCert(dir.resolve(name + ".pem"), keyPem);
    }
}
