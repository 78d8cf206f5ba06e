package io.netlab.client;

import io.netlab.codec.SumRequest;
import io.netlab.server.FileProtocol;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netlab.server.SumServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When netlab's clients meet a server of another dialect, they say what it is and what to run instead. */
class DialectWordsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    @TempDir
    Path tmp;
    private final LabPeers peers = new LabPeers();

    @AfterEach
    void stop() throws Exception {
        peers.close();
    }

    private static Endpoint at(int port) {
        return new Endpoint("127.0.0.1", port, null);
    }

    @Test
    void theFileClientAtALabFileServerIsToldToUseRaw() throws Exception {
        LabPeers.assumePython();
        Files.writeString(tmp.resolve("a.txt"), "a\n");
        LabPeers.Server lab = peers.server("raw_file_server.py", "0", tmp.toString());
        assertThatThrownBy(() -> FileFetcher.fetch(at(lab.port()), "a.txt", tmp.resolve("copy.txt"), FetchOptions.defaults(),
                Progress.NONE))
                .isInstanceOf(ClientException.class)
                .hasMessageStartingWith("the server closed the connection without answering (a lab-style file server "
                        + "closes like this when it cannot read netlab's request: run netlab-client with --raw)");
    }

    @Test
    void theFileClientAtTheTextbookEchoServerHearsItsOwnRequestBack() throws Exception {
        LabPeers.assumePython();
        LabPeers.Server lab = peers.server("tcp_server.py", "0");
        assertThatThrownBy(() -> FileFetcher.fetch(at(lab.port()), "a.txt", tmp.resolve("copy.txt"), FetchOptions.defaults(),
                Progress.NONE))
                .hasMessageContaining("type: FILE_REQUEST (0x10)")
                .hasMessageContaining("the server sent netlab's own request back: it is an echo server");
    }

    @Test
    void theSumClientAtALabTextServerIsToldToUseText() throws Exception {
        LabPeers.assumePython();
        LabPeers.Server lab = peers.server("sum_server.py", "0", "--number", "5");
        assertThatThrownBy(() -> SumClient.exchange(at(lab.port()), new SumRequest("Ana", 4), TIMEOUT, Transport.AUTO))
                .hasMessage("the server closed the connection without answering (a lab-style text server closes like "
                        + "this when it cannot read netlab's request: run netlab-client sum with --text)");
    }

    @Test
    void theEchoClientAtANetlabServerSaysSo() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "a\n");
        try (RunningServer server = TestServers.local(FileServer.builder(), Transport.AUTO).root(tmp)
                .protocols(EnumSet.of(FileProtocol.NETLAB)).start();
             EchoClient client = EchoClient.connect(TestServers.endpoint(server), TIMEOUT, Transport.AUTO)) {
            assertThatThrownBy(() -> client.send("hello"))
                    .hasMessageStartingWith("the server answered with a netlab ERROR (0x7f) frame: magic: 0x6865 (expected: "
                            + "0x4e4c \"NL\"): not a netlab peer, this looks like a raw lab file request for `hello`")
                    .hasMessageEndingWith("[ILLEGAL_OPERATION]: it is a netlab file or sum server, not an echo server");
        }
        try (RunningServer server = TestServers.local(FileServer.builder(), Transport.AUTO).root(tmp).start();
             EchoClient client = EchoClient.connect(TestServers.endpoint(server), TIMEOUT, Transport.AUTO)) {
            assertThatThrownBy(() -> client.send("hello")).hasMessage("the server closed the connection without answering"
                    + " (not an echo server? netlab's file and sum servers close on a line they cannot serve)");
        }
    }

    @Test
    void theTextSumClientAtANetlabOnlyPeerIsToldToDropText() throws Exception {
        // a netlab file server that speaks netlab only answers the text line with an ERROR frame
        try (RunningServer server = TestServers.local(FileServer.builder(), Transport.AUTO).root(tmp)
                .protocols(EnumSet.of(FileProtocol.NETLAB)).start()) {
            assertThatThrownBy(() -> SumTextClient.exchange(TestServers.endpoint(server), new SumRequest("Ana", 4), TIMEOUT,
                    Transport.AUTO))
                    .hasMessageStartingWith("the server answered with a netlab ERROR frame: magic: 0x416e")
                    .hasMessageEndingWith("run netlab-client sum without --text");
        }
        try (RunningServer server = TestServers.local(SumServer.builder(), Transport.AUTO).keepRunning(true).start()) {
            assertThatThrownBy(() -> FileFetcher.fetch(TestServers.endpoint(server), "x", tmp.resolve("x"),
                    FetchOptions.defaults(), Progress.NONE))
                    .hasMessageStartingWith("type: FILE_REQUEST (0x10) (expected: SUM_REQUEST (0x01)) [ILLEGAL_OPERATION]");
        }
    }
}
