package io.netlab.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Words for foreign bytes: shown as text and hex, and the likely dialect. */
class ForeignBytesTest {
    private static <T> T with(byte[] bytes, java.util.function.Function<ByteBuf, T> f) {
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        try {
            T t = f.apply(b);
            assertThat(b.readerIndex()).isZero();
            return t;
        } finally {
            b.release();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void showsEscapedTextAndHex() {
        assertThat(with(utf8("te"), ForeignBytes::show)).isEqualTo("\"te\" (74 65)");
        assertThat(with(new byte[] {'N', 'L', 2, 0x10, '"', '\\'}, ForeignBytes::show))
                .isEqualTo("\"NL\\x02\\x10\\\"\\\\\" (4e 4c 02 10 22 5c)");
        assertThat(with(utf8("GET / HTTP/1.1\r\nHost: x\r\n"), ForeignBytes::show))
                .isEqualTo("\"GET / HTTP/1.1\\r\\n...\" (47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a ...)");
        assertThat(with(utf8("é\u001b"), ForeignBytes::show)).isEqualTo("\"\\xc3\\xa9\\x1b\" (c3 a9 1b)");
    }

    @Test
    void guessesWhatAClientSpeaks() {
        assertThat(with(utf8("test.txt"), ForeignBytes::likelyRequest)).isEqualTo("a raw lab file request for `test.txt`");
        assertThat(with(utf8("sub/a b.txt\r\n"), ForeignBytes::likelyRequest))
                .isEqualTo("a raw lab file request for `sub/a b.txt`");
        assertThat(with(utf8("Ana,42\n"), ForeignBytes::likelyRequest)).isEqualTo("a lab-style sum request `Ana,42`");
        assertThat(with(utf8("Ana B\t7"), ForeignBytes::likelyRequest)).isEqualTo("a lab-style sum request `Ana B\\u00097`");
        assertThat(with(utf8("GET /a.txt HTTP/1.1\r\n"), ForeignBytes::likelyRequest))
                .isEqualTo("an HTTP request (GET /a.txt)");
        assertThat(with(new byte[] {0x16, 0x03, 0x01, 0x00}, ForeignBytes::likelyRequest)).isEqualTo("a TLS handshake");
        assertThat(with(new byte[] {'N', 'L', 2, 0x10}, ForeignBytes::likelyRequest))
                .isEqualTo("a netlab frame of another version (2, expected: 1)");
        assertThat(with(new byte[] {'N', 'L', 1, 0x10}, ForeignBytes::likelyRequest))
                .isEqualTo("a netlab FILE_REQUEST (0x10) frame");
        assertThat(with(utf8("SSH-2.0-OpenSSH_9.2\r\n"), ForeignBytes::likelyRequest)).isEqualTo("an SSH client");
        assertThat(with(new byte[] {0, 1, 2}, ForeignBytes::likelyRequest)).isNull();
    }

    @Test
    void guessesWhatAServerSpeaks() {
        assertThat(with(utf8("HTTP/1.1 400 Bad Request\r\n\r\n"), ForeignBytes::likelyAnswer))
                .isEqualTo("an HTTP response (HTTP/1.1 400 Bad Request)");
        assertThat(with(utf8("HELLO\n"), ForeignBytes::likelyAnswer)).isEqualTo("text (`HELLO`)");
        assertThat(with(new byte[] {'N', 'L', 1, 0x7F}, ForeignBytes::likelyAnswer))
                .isEqualTo("a netlab ERROR (0x7f) frame");
        assertThat(with(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, ForeignBytes::likelyAnswer)).isNull();
    }

    @Test
    void findsAnErrorFrameOnlyWhenTheBytesAreExactlyOne() {
        EmbeddedChannel ch = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        ch.writeOutbound(new FileError(ErrorCode.NOT_FOUND, "a.txt: no such file"));
        ByteBuf frame = ch.readOutbound();
        try {
            assertThat(ForeignBytes.errorFrame(frame)).isEqualTo(new FileError(ErrorCode.NOT_FOUND, "a.txt: no such file"));
            assertThat(ForeignBytes.errorFrame(frame.slice(0, frame.readableBytes() - 1))).isNull();
            ByteBuf longer = Unpooled.wrappedBuffer(frame.retainedDuplicate(), Unpooled.wrappedBuffer(new byte[] {1}));
            assertThat(ForeignBytes.errorFrame(longer)).isNull();
            longer.release();
            assertThat(with(utf8("not a frame at all"), ForeignBytes::errorFrame)).isNull();
        } finally {
            frame.release();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }
}
