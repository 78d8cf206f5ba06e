package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestAlgorithmTest {

    @Test
    void crc32cMatchesTheStandardCheckValue() {
        DigestAlgorithm.Digest d = DigestAlgorithm.CRC32C.newDigest();
        ByteBuf buf = Unpooled.copiedBuffer("123456789", StandardCharsets.US_ASCII);
        d.update(buf);
        buf.release();
        assertThat(DigestAlgorithm.hex(d.finish())).isEqualTo("e3069283");
    }

    @Test
    void sha256MatchesTheStandardTestVector() {
        DigestAlgorithm.Digest d = DigestAlgorithm.SHA256.newDigest();
        ByteBuf buf = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
        d.update(buf);
        buf.release();
        assertThat(DigestAlgorithm.hex(d.finish()))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void compositeDirectAndHeapBuffersDigestAlike() {
        byte[] data = new byte[10_000];
        new java.util.Random(7).nextBytes(data);
        ByteBuf heap = Unpooled.wrappedBuffer(data);
        ByteBuf direct = Unpooled.directBuffer().writeBytes(data);
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(data, 0, 3000))
                .addComponent(true, Unpooled.directBuffer().writeBytes(data, 3000, 7000));
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            DigestAlgorithm.Digest d1 = a.newDigest();
            DigestAlgorithm.Digest d2 = a.newDigest();
            DigestAlgorithm.Digest d3 = a.newDigest();
            d1.update(heap);
            d2.update(direct);
            d3.update(composite);
            byte[] v = d1.finish();
            assertThat(v).hasSize(a.length());
            assertThat(d2.finish()).isEqualTo(v);
            assertThat(d3.finish()).isEqualTo(v);
        }
        assertThat(heap.readerIndex()).isZero();
        heap.release();
        direct.release();
        composite.release();
    }

    @Test
    void aFileRangeDigestsLikeItsBytesAndAShortFileIsAnEof(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(11).nextBytes(data);
        java.nio.file.Path p = java.nio.file.Files.write(dir.resolve("f"), data);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
            ch.position(777);
            for (DigestAlgorithm a : DigestAlgorithm.values()) {
                DigestAlgorithm.Digest fromFile = a.newDigest();
                assertThat(fromFile.algorithm()).isEqualTo(a);
                // through a scratch buffer smaller than the range, and not a divisor of it
                fromFile.update(ch, 1000, 60_001, java.nio.ByteBuffer.allocateDirect(4093));
                DigestAlgorithm.Digest fromBytes = a.newDigest();
                ByteBuf buf = Unpooled.wrappedBuffer(data, 1000, 60_001);
                fromBytes.update(buf);
                buf.release();
                assertThat(fromFile.finish()).isEqualTo(fromBytes.finish());
            }
            assertThat(ch.position()).as("positional reads only").isEqualTo(777);
            assertThatThrownBy(() -> DigestAlgorithm.CRC32C.newDigest().update(ch, 99_000, 2000,
                    java.nio.ByteBuffer.allocate(512)))
                    .isInstanceOf(java.io.EOFException.class)
                    .hasMessage("file ended at byte 100000 (expected: at least 101000 bytes)");
        }
    }

    @Test
    void parsesUserNamesAndRejectsOthers() {
        assertThat(DigestAlgorithm.parse("SHA-256")).isEqualTo(DigestAlgorithm.SHA256);
        assertThat(DigestAlgorithm.parse("crc32c")).isEqualTo(DigestAlgorithm.CRC32C);
        assertThat(DigestAlgorithm.parse("none")).isEqualTo(DigestAlgorithm.NONE);
        assertThatThrownBy(() -> DigestAlgorithm.parse("md5"))
                .hasMessage("digest: md5 (expected: none, crc32c or sha256)");
        assertThat(DigestAlgorithm.fromId(9)).isNull();
    }

    @Test
    void errorCodesMapBothWaysAndUnknownOnesBecomeUndefined() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorCode.valueOf(c.code())).isEqualTo(c);
        }
        assertThat(ErrorCode.valueOf(999)).isEqualTo(ErrorCode.UNDEFINED);
        assertThat(ErrorCode.valueOf(-1)).isEqualTo(ErrorCode.UNDEFINED);
    }

    @Test
    void truncateNeverSplitsACharacterAndFits() {
        String s = "é".repeat(600) + "😀".repeat(10);
        String t = NetlabFrames.truncate(s, 1024);
        assertThat(t.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(t).endsWith("...").startsWith("éé");
        assertThat(NetlabFrames.truncate("short", 1024)).isEqualTo("short");
    }
}
