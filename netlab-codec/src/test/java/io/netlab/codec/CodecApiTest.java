package io.netlab.codec;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codec's public surface: send-mode resolution, argument checks, and what the encoders refuse. */
class CodecApiTest {

    @Test
    void autoSendModeResolvesBySizeAndDigest() {
        assertThat(SendMode.AUTO.resolve(1024, DigestAlgorithm.NONE)).isEqualTo(SendMode.BUFFERED);
        assertThat(SendMode.AUTO.resolve(65535, DigestAlgorithm.NONE)).isEqualTo(SendMode.BUFFERED);
        assertThat(SendMode.AUTO.resolve(65536, DigestAlgorithm.NONE)).isEqualTo(SendMode.SENDFILE);
        assertThat(SendMode.AUTO.resolve(1 << 20, DigestAlgorithm.CRC32C)).isEqualTo(SendMode.BUFFERED);
        assertThat(SendMode.SENDFILE.resolve(1, DigestAlgorithm.SHA256)).isEqualTo(SendMode.SENDFILE);
        assertThat(SendMode.CHUNKS.resolve(1 << 20, DigestAlgorithm.NONE)).isEqualTo(SendMode.CHUNKS);
    }

    @Test
    void theBuilderPicksTheStrategyOfTheResolvedMode() throws Exception {
        Path p = Files.createTempFile("netlab", ".bin");
        try {
            for (SendMode mode : SendMode.values()) {
                try (FileChannel ch = FileChannel.open(p)) {
                    FileFrameChunkedInput in = FileFrameChunkedInput.builder(ch, 0).blockSize(65536)
                            .digest(DigestAlgorithm.NONE).sendMode(mode).build();
                    assertThat(in.sendMode()).isEqualTo(mode == SendMode.AUTO ? SendMode.SENDFILE : mode);
                    in.close();
                }
            }
        } finally {
            Files.delete(p);
        }
    }

    @Test
    void blockSizesAreCheckedInOnePlace() {
        assertThat(FileConstants.checkBlockSize("--block-size", 1)).isEqualTo(1);
        assertThat(FileConstants.checkBlockSize("--block-size", FileConstants.MAX_BLOCK_SIZE))
                .isEqualTo(FileConstants.MAX_BLOCK_SIZE);
        assertThatThrownBy(() -> FileConstants.checkBlockSize("--block-size", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--block-size: 0 (expected: 1..16777216)");
        assertThatThrownBy(() -> FileConstants.checkBlockSize("maxChunkLength", 1L << 32))
                .hasMessage("maxChunkLength: 4294967296 (expected: 1..16777216)");
        assertThatThrownBy(() -> FileFrameDecoder.forClient(0)).hasMessage("maxChunkLength: 0 (expected: 1..16777216)");
    }

    @Test
    void encodersRefuseWhatTheyDoNotKnowAndPassOtherObjectsOn() {
        EmbeddedChannel file = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        Object other = "not a frame";
        assertThat(file.writeOutbound(other)).isTrue();
        Object passed = file.readOutbound();
        assertThat(passed).isSameAs(other);
        assertThat(file.finishAndReleaseAll()).isFalse();

        EmbeddedChannel sum = new EmbeddedChannel(SumEncoder.INSTANCE);
        assertThatThrownBy(() -> sum.writeOutbound(new SumRequest("x".repeat(SumConstants.MAX_NAME_LENGTH + 1), 1)))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("name: 1025 bytes of UTF-8 (expected: <= 1024)");
        assertThat(sum.finishAndReleaseAll()).isFalse();
    }

    @Test
    void peerTextEscapesControlsAndBidiButKeepsTheRest() {
        assertThat(PeerText.escape("plain ünïcødé 名前")).isEqualTo("plain ünïcødé 名前");
        assertThat(PeerText.escape("a\u001b[2Jb\u0007\u202Ec\n")).isEqualTo("a\\u001b[2Jb\\u0007\\u202ec\\u000a");
    }

    @Test
    void versionsComeFromTheBuild() {
        assertThat(NetlabVersion.netlab()).isNotEqualTo("unknown").doesNotContain("${");
        assertThat(NetlabVersion.netty()).startsWith("4.2.");
        assertThat(NetlabVersion.protocol()).isEqualTo(1);
    }
}
