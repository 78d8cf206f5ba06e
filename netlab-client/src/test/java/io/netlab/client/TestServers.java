package io.netlab.client;

import io.netlab.codec.file.FileConstants;
import io.netlab.runtime.Transport;
import io.netlab.server.FileRoot;
import io.netlab.server.RunningServer;
import io.netlab.server.ServerConfig;
import io.netlab.server.ServerInitializers;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Real netlab servers on 127.0.0.1 and an ephemeral port, in this JVM. */
final class TestServers {
    private TestServers() {
    }

    static ServerConfig config(Transport transport) throws Exception {
        return new ServerConfig(InetAddress.getByName("127.0.0.1"), 0, transport, 2, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofSeconds(1), false);
    }

    static RunningServer file(Path root, Transport transport) throws Exception {
        ServerConfig c = config(transport);
        return RunningServer.start(c, ServerInitializers.file(new FileRoot(root), FileConstants.MAX_BLOCK_SIZE, c));
    }

    static Endpoint endpoint(RunningServer server) {
        return new Endpoint("127.0.0.1", server.localAddress().getPort(), null);
    }
}
