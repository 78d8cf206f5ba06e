package io.netlab.client;

import io.netlab.server.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a one-shot fetch through the client jar must not start (docs/performance.md): picocli beyond the three
 * classes the JVM loads to verify and launch the main class, Netty's JFR events, java.util.logging, the progress
 * bar, a pooling buffer allocator. Class names from {@code -Xlog:class+load}; no timing is asserted.
 */
class OneShotStartupIT {
    private static final Path CLIENT_JAR = Path.of(System.getProperty("netlab.client.jar", "target/netlab-client.jar"));
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*] (\\S+) source");

    @TempDir
    Path tmp;

    private List<String> classesLoadedBy(String... args) throws Exception {
        Path log = tmp.resolve("classes.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:file=" + log, "-jar", CLIENT_JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("client.out").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("client.out"))).isZero();
        List<String> names = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void aPlainFetchStartsNoPicocliNoJfrEventsNoJavaUtilLoggingNoProgressBarAndNoBufferPool() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("served"));
        byte[] content = new byte[1024];
        new Random(8).nextBytes(content);
        Files.write(root.resolve("small.bin"), content);
        try (RunningServer server = TestServers.file(root, Transport.AUTO)) {
            List<String> loaded = classesLoadedBy("-q", "--digest", "crc32c",
                    "127.0.0.1:" + server.localAddress().getPort() + ":small.bin", "copy.bin");
            assertThat(tmp.resolve("copy.bin")).hasBinaryContent(content);
            assertThat(loaded).contains("io.netlab.client.cli.FetchFastPath", "io.netlab.client.TransferResult");
            // verifying NetlabClient (it throws ParameterException) and the launcher's look-up of main() (a public
            // method returns CommandLine) load these three; picocli's parser and model (170 classes) stay unloaded
            assertThat(loaded).filteredOn(c -> c.startsWith("picocli.")).isSubsetOf(
                    "picocli.CommandLine", "picocli.CommandLine$PicocliException", "picocli.CommandLine$ParameterException");
            assertThat(loaded).noneMatch(c -> c.startsWith("io.netty.buffer.") && c.endsWith("Event"))
                    .doesNotContain("jdk.jfr.internal.MetadataRepository");
            assertThat(loaded).noneMatch(c -> c.startsWith("java.util.logging."));
            assertThat(loaded).noneMatch(c -> c.startsWith("me.tongfei."));
            // one connection, one process: buffers from the unpooled allocator, no pool chunks kept (peak RSS)
            assertThat(loaded).contains("io.netty.buffer.UnpooledByteBufAllocator")
                    .doesNotContain("io.netty.buffer.AdaptivePoolingAllocator", "io.netty.buffer.PooledByteBufAllocator");
        }
    }
}
