package io.netlab.client;

import io.netlab.codec.FileConstants;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netlab.server.ServerBuilder;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Real netlab servers on 127.0.0.1 and an ephemeral port, in this JVM. */
final class TestServers {
    private TestServers() {
    }

    /** On 127.0.0.1, an ephemeral port, 2 threads, 10 s idle, 5 s to send a request, 1 s of grace. */
    static <B extends ServerBuilder<B>> B local(B builder, Transport transport) throws Exception {
        return builder.bind(InetAddress.getByName("127.0.0.1")).transport(serverTransport(transport)).threads(2)
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ofSeconds(1));
    }

    /** The server's transport of the same name (each app owns its transport enum). */
    static io.netlab.server.Transport serverTransport(Transport transport) {
        return io.netlab.server.Transport.valueOf(transport.name());
    }

    static RunningServer file(Path root, Transport transport) throws Exception {
        return local(FileServer.builder(), transport).root(root).maxBlockSize(FileConstants.MAX_BLOCK_SIZE).start();
    }

    static Endpoint endpoint(RunningServer server) {
        return new Endpoint("127.0.0.1", server.localAddress().getPort(), null);
    }
}
