package io.netlab.server;

import io.netlab.codec.SendMode;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up warm-up runs a real transfer through a throwaway server and leaves nothing behind. */
class WarmupTest {
    private static List<Path> leftovers() throws IOException {
        String prefix = "netlab-warmup-" + ProcessHandle.current().pid() + '-';
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void everySendModeOnEveryTransportWarmsUpAndLeavesNoDirectory() throws Exception {
        for (Transport transport : Epoll.isAvailable() ? List.of(Transport.NIO, Transport.EPOLL) : List.of(Transport.NIO)) {
            for (SendMode mode : List.of(SendMode.AUTO, SendMode.BUFFERED, SendMode.SENDFILE)) {
                Warmup.fileServer(transport, mode);
            }
        }
        assertThat(leftovers()).isEmpty();
    }
}
