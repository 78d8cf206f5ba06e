package io.netlab.client;

import io.netlab.codec.FileConstants;
import io.netlab.server.FileProtocol;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exercise 3 with the lab's own programs and everyday tools: raw_file_client.py against netlab's file server,
 * netlab's client with --raw against raw_file_server.py, and curl over HTTP on the same port; files compared byte
 * for byte.
 */
class LabFilePeersTest {
    private static final String[] NAMES = {"empty.bin", "r1.bin", "r1023.bin", "r1024.bin", "r1025.bin",
        "r1048577.bin", "a:b é.bin"};

    @TempDir
    Path tmp;
    Path root;
    Path dest;
    private final LabPeers peers = new LabPeers();

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        dest = Files.createDirectory(tmp.resolve("dest"));
        Random random = new Random(42);
        int[] sizes = {0, 1, 1023, 1024, 1025, 1048577, 3000};
        for (int i = 0; i < NAMES.length; i++) {
            byte[] b = new byte[sizes[i]];
            random.nextBytes(b);
            Files.write(root.resolve(NAMES[i]), b);
        }
        Files.writeString(tmp.resolve("canary.txt"), "outside the root\n");
    }

    @AfterEach
    void stop() throws Exception {
        peers.close();
    }

    private RunningServer netlab(FileProtocol... protocols) throws Exception {
        FileServer.Builder b = TestServers.local(FileServer.builder(), Transport.AUTO).root(root)
                .maxBlockSize(FileConstants.MAX_BLOCK_SIZE);
        if (protocols.length > 0) {
            b.protocols(EnumSet.of(protocols[0], protocols));
        }
        return b.start();
    }

    private static String at(RunningServer server, String name) {
        return "127.0.0.1:" + server.localAddress().getPort() + ':' + name;
    }

    @Test
    void theLabsFileClientGetsEveryFileByteForByteFromNetlab() throws Exception {
        LabPeers.assumePython();
        try (RunningServer server = netlab()) {
            for (String name : NAMES) {
                LabPeers.Result r = peers.script("raw_file_client.py", at(server, name), dest.resolve(name).toString());
                assertThat(r.exit()).as(name + ": " + r.err()).isZero();
                assertThat(dest.resolve(name)).as(name).hasSameBinaryContentAs(root.resolve(name));
            }
        }
    }

    @Test
    void aRefusedRequestSendsTheLabsClientNothing() throws Exception {
        LabPeers.assumePython();
        try (RunningServer server = netlab()) {
            for (String name : new String[] {"../canary.txt", tmp.resolve("canary.txt").toString(), "missing.bin"}) {
                Path out = dest.resolve("refused");
                LabPeers.Result r = peers.script("raw_file_client.py", at(server, name), out.toString());
                assertThat(r.exit()).as(name).isZero();
                assertThat(out).as(name).isEmptyFile();      // no ERROR frame saved as the file
            }
        }
    }

    @Test
    void netlabsRawClientGetsEveryFileFromTheLabsServer() throws Exception {
        LabPeers.assumePython();
        LabPeers.Server lab = peers.server("raw_file_server.py", "0", root.toString());
        Endpoint endpoint = new Endpoint("127.0.0.1", lab.port(), null);
        for (String name : NAMES) {
            RawResult r = RawFetcher.fetch(endpoint, name, dest.resolve(name), FetchOptions.defaults(), Progress.NONE);
            assertThat(dest.resolve(name)).as(name).hasSameBinaryContentAs(root.resolve(name));
            assertThat(r.bytes()).isEqualTo(Files.size(root.resolve(name)));
            assertThat(r.warnings()).as(name).hasSize(name.equals("empty.bin") ? 1 : 0);
        }
        RawResult missing = RawFetcher.fetch(endpoint, "missing.bin", dest.resolve("missing.bin"), FetchOptions.defaults(),
                Progress.NONE);
        assertThat(missing.warnings()).singleElement().asString()
                .startsWith("received 0 bytes: the file is empty, or the server refused the request");
        String[] expected = {"sent 'r1048577.bin' 1048577 bytes", "cannot send: [Errno 2] No such file"};
        assertThat(lab.printedOnceItContains(expected)).contains(expected);
    }

    @Test
    void netlabsRawClientAndNetlabsServerAgreeAndANetlabOnlyServerIsExplained() throws Exception {
        try (RunningServer server = netlab()) {
            Endpoint endpoint = TestServers.endpoint(server);
            RawResult r = RawFetcher.fetch(endpoint, "r1048577.bin", dest.resolve("x.bin"), FetchOptions.defaults(),
                    Progress.NONE);
            assertThat(dest.resolve("x.bin")).hasSameBinaryContentAs(root.resolve("r1048577.bin"));
            assertThat(r.warnings()).isEmpty();
        }
        try (RunningServer server = netlab(FileProtocol.NETLAB)) {
            assertThatThrownBy(() -> RawFetcher.fetch(TestServers.endpoint(server), "r1.bin", dest.resolve("y.bin"),
                    FetchOptions.defaults(), Progress.NONE))
                    .isInstanceOf(ClientException.class)
                    .hasMessageContaining("the server answered with a netlab ERROR frame, not a file: magic: ")
                    .hasMessageContaining("run netlab-client without --raw");
            try (var left = Files.list(dest)) {
                assertThat(left).containsExactly(dest.resolve("x.bin"));      // no y.bin, no .part file
            }
        }
    }

    @Test
    void curlGetsAFileAPartAResumeAndA404() throws Exception {
        LabPeers.assumeTool("curl", "--version");
        try (RunningServer server = netlab()) {
            String base = "http://127.0.0.1:" + server.localAddress().getPort() + '/';
            LabPeers.Result r = peers.run(null, "curl", "-sS", "-o", dest.resolve("full.bin").toString(), base + "r1048577.bin");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(dest.resolve("full.bin")).hasSameBinaryContentAs(root.resolve("r1048577.bin"));

            r = peers.run(null, "curl", "-sS", "-r", "1000-1024", base + "r1025.bin");
            byte[] all = Files.readAllBytes(root.resolve("r1025.bin"));
            assertThat(r.out().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1).length).isEqualTo(25);

            Path part = dest.resolve("part.bin");
            Files.write(part, java.util.Arrays.copyOf(Files.readAllBytes(root.resolve("r1048577.bin")), 500_000));
            r = peers.run(null, "curl", "-sS", "-C", "-", "-o", part.toString(), "-w", "%{http_code}",
                    base + "r1048577.bin");
            assertThat(r.out()).isEqualTo("206");
            assertThat(part).hasSameBinaryContentAs(root.resolve("r1048577.bin"));

            r = peers.run(null, "curl", "-sS", "-w", "%{http_code}", base + "missing.bin");
            assertThat(r.out()).isEqualTo("404 Not Found: missing.bin: no such file on the server\n404");
            assertThat(all).hasSize(1025);
        }
    }
}
