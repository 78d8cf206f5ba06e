package io.netlab.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The partial file's metadata is written without Properties.store (no date line) and reads back unchanged. */
class PartialFileMetadataTest {
    @TempDir
    Path dir;

    private static final List<String> AWKWARD = List.of("plain.bin", "", " leading space", "trailing space ",
            "a=b:c#d!e", "back\\slash", "line\nbreak\rand\ttab\fform", "Zoë, 日本語, \uD83D\uDE00", "\u0001\u007F",
            "#not a comment", "!neither", "key = value");

    @Test
    void everyValueReadsBackAsPropertiesStoreWouldHaveWrittenIt() throws Exception {
        for (String v : AWKWARD) {
            StringBuilder ours = new StringBuilder();
            PartialFile.property(ours, "name", v);
            Properties read = new Properties();
            read.load(new StringReader(ours.toString()));
            assertThat(read.getProperty("name")).as("%s", v).isEqualTo(v);
            // the same escapes as Properties.store (which adds a date line first)
            Properties p = new Properties();
            p.setProperty("name", v);
            StringWriter theirs = new StringWriter();
            p.store(theirs, null);
            assertThat(theirs.toString().lines().skip(1).findFirst().orElseThrow()).as("%s", v)
                    .isEqualTo(ours.substring(0, ours.length() - 1));
        }
    }

    @Test
    void theMetadataOfAPartialFileReadsBack() throws Exception {
        for (String v : AWKWARD) {
            Path destination = dir.resolve("copy.bin");
            try (PartialFile partial = PartialFile.open(destination)) {
                PartialFile.Metadata m = new PartialFile.Metadata(v.isEmpty() ? "x" : v, v, v.isEmpty() ? "y" : v, 12345);
                partial.writeMetadata(m);
                assertThat(partial.metadata()).as("%s", v).isEqualTo(m);
                partial.delete();
            }
        }
        assertThat(Files.list(dir)).isEmpty();
    }
}
