package io.netlab.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library jars as an embedder gets them from Maven Central: sources and javadoc beside each jar, the licence
 * inside, a stable module name, and a module descriptor for the codec whose requires are all a consumer needs.
 */
class PublishingIT {
    private static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("netlab.version", "0.1.0-SNAPSHOT");

    @TempDir
    Path tmp;

    private static Path jar(String module, String classifier) {
        return ROOT.resolve(module).resolve("target")
                .resolve(module + '-' + VERSION + (classifier == null ? "" : '-' + classifier) + ".jar");
    }

    @Test
    void everyLibraryJarHasItsSourcesAStableModuleNameAndTheLicence() throws Exception {
        for (String module : List.of("netlab-codec", "netlab-server", "netlab-client")) {
            assertThat(jar(module, null)).exists();
            assertThat(jar(module, "sources")).exists();
            try (JarFile sources = new JarFile(jar(module, "sources").toFile())) {
                assertThat(sources.stream().map(e -> e.getName()))
                        .anyMatch(n -> n.startsWith("io/netlab/") && n.endsWith("package-info.java"));
            }
            try (JarFile jar = new JarFile(jar(module, null).toFile())) {
                assertThat(jar.getEntry("META-INF/LICENSE")).as(module + " LICENSE").isNotNull();
                assertThat(jar.getEntry("META-INF/NOTICE")).as(module + " NOTICE").isNotNull();
            }
            String expected = "io.netlab." + module.substring("netlab-".length());
            ModuleReference ref = ModuleFinder.of(jar(module, null)).findAll().iterator().next();
            assertThat(ref.descriptor().name()).as(module).isEqualTo(expected);
        }
        // the javadoc jar is made at verify, after the tests of this module: the two modules built before it
        for (String module : List.of("netlab-codec", "netlab-server")) {
            try (JarFile javadoc = new JarFile(jar(module, "javadoc").toFile())) {
                assertThat(javadoc.getEntry("index.html")).as(module + " javadoc").isNotNull();
            }
        }
    }

    @Test
    void theCodecIsANamedModuleThatExportsOnlyItsApiAndRequiresNettyTransitively() {
        ModuleDescriptor codec = ModuleFinder.of(jar("netlab-codec", null)).find("io.netlab.codec").orElseThrow().descriptor();
        assertThat(codec.isAutomatic()).isFalse();
        assertThat(codec.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.netlab.codec");
        assertThat(codec.requires()).filteredOn(r -> r.name().startsWith("io.netty."))
                .allMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .extracting(ModuleDescriptor.Requires::name)
                .contains("io.netty.buffer", "io.netty.transport", "io.netty.codec", "io.netty.handler");
    }

    /** A consumer module that says {@code requires io.netlab.codec;} and nothing else compiles and runs. */
    @Test
    void aModuleThatRequiresOnlyTheCodecCompilesAndRuns() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/consumer/demo"));
        Files.writeString(src.getParent().resolve("module-info.java"), "module consumer { requires io.netlab.codec; }\n");
        Files.writeString(src.resolve("Main.java"), """
                package demo;

                import io.netlab.codec.FileFrameDecoder;
                import io.netlab.codec.FileFrameEncoder;
                import io.netlab.codec.FileRequest;
                import io.netty.buffer.ByteBuf;
                import io.netty.channel.embedded.EmbeddedChannel;

                public class Main {
                    public static void main(String[] args) {
                        EmbeddedChannel out = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
                        out.writeOutbound(new FileRequest("a.bin", 1024));
                        ByteBuf wire = out.readOutbound();
                        EmbeddedChannel in = new EmbeddedChannel(FileFrameDecoder.forServer());
                        in.writeInbound(wire);
                        FileRequest request = in.readInbound();
                        System.out.println(request.path() + ' ' + request.blockSize());
                        out.finishAndReleaseAll();
                        in.finishAndReleaseAll();
                    }
                }
                """);
        String modulePath = jar("netlab-codec", null) + File.pathSeparator + nettyJars();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int compiled = javac.run(null, diagnostics, diagnostics, "-d", tmp.resolve("out").toString(),
                "--module-path", modulePath, "--module-source-path", tmp.resolve("src").toString(), "-m", "consumer");
        assertThat(compiled).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", tmp.resolve("out") + File.pathSeparator + modulePath, "-m", "consumer/demo.Main")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("a.bin 1024\n");
    }

    /** The Netty jars of this test's class path that the codec's module graph needs. */
    private static String nettyJars() {
        List<String> wanted = List.of("netty-common", "netty-buffer", "netty-transport-4", "netty-resolver-4",
                "netty-codec-base", "netty-handler-4", "netty-transport-native-unix-common");
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (wanted.stream().anyMatch(name::startsWith) && !name.contains("linux-")) {
                jars.add(entry);
            }
        }
        assertThat(jars).hasSizeGreaterThanOrEqualTo(6);
        return jars.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
