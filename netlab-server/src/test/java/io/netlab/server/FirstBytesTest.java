package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.netlab.server.FirstBytes.Kind.HTTP;
import static io.netlab.server.FirstBytes.Kind.NETLAB;
import static io.netlab.server.FirstBytes.Kind.TEXT;
import static io.netlab.server.FirstBytes.Kind.TLS;
import static org.assertj.core.api.Assertions.assertThat;

class FirstBytesTest {
    private static FirstBytes.Kind classify(String latin1, boolean ended) {
        ByteBuf b = Unpooled.copiedBuffer(latin1, StandardCharsets.ISO_8859_1);
        try {
            FirstBytes.Kind k = FirstBytes.classify(b, ended);
            assertThat(b.readerIndex()).isZero();
            return k;
        } finally {
            b.release();
        }
    }

    @Test
    void netlabNeedsAllFourBytesAndAControlCharacterAsItsVersion() {
        assertThat(classify("N", false)).isNull();
        assertThat(classify("NL", false)).isNull();
        assertThat(classify("NL\u0001", false)).isNull();
        assertThat(classify("NL\u0001\u0010", false)).isEqualTo(NETLAB);
        assertThat(classify("NL\u0002\u0010", false)).isEqualTo(NETLAB);        // another version: netlab says so
        assertThat(classify("NLnotes.txt", false)).isEqualTo(TEXT);            // a file may start with "NL"
        assertThat(classify("NL\n", false)).isEqualTo(TEXT);                   // the name "NL" and a newline
        assertThat(classify("NL\r\n", false)).isEqualTo(TEXT);
        assertThat(classify("NL\t", false)).isEqualTo(TEXT);
    }

    @Test
    void afterAPauseShortPrefixesAreNamesAndAStalledHeaderIsNetlab() {
        assertThat(classify("N", true)).isEqualTo(TEXT);
        assertThat(classify("NL", true)).isEqualTo(TEXT);
        assertThat(classify("NL\u0001", true)).isEqualTo(NETLAB);
    }

    @Test
    void httpNeedsAWholeRequestLine() {
        assertThat(classify("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", false)).isEqualTo(HTTP);
        assertThat(classify("HEAD /a.txt HTTP/1.0\n", false)).isEqualTo(HTTP);
        assertThat(classify("GET http://h:1/a.txt HTTP/1.1\r\n", false)).isEqualTo(HTTP);
        assertThat(classify("GET /a.txt HTTP/1.1", false)).isNull();           // the line has not ended yet
        assertThat(classify("GET", false)).isNull();
        assertThat(classify("GET", true)).isEqualTo(TEXT);
        assertThat(classify("GET me\n", false)).isEqualTo(TEXT);               // a file called "GET me"
        assertThat(classify("GET /a.txt HTTP/1.1", true)).isEqualTo(TEXT);     // paused mid-line: a name
        assertThat(classify("GET /a b HTTP/1.1\r\n", false)).isEqualTo(TEXT);
        assertThat(classify("README\n", false)).isEqualTo(TEXT);
        assertThat(classify("README.md", false)).isEqualTo(TEXT);
        assertThat(classify("get /a.txt HTTP/1.1\r\n", false)).isEqualTo(TEXT);
        assertThat(classify("GET " + "x".repeat(FirstBytes.MAX_REQUEST_LINE), false)).isEqualTo(TEXT);
    }

    @Test
    void tlsAndText() {
        assertThat(classify("\u0016\u0003\u0001\u0000", false)).isEqualTo(TLS);
        assertThat(classify("\u0016", false)).isNull();
        assertThat(classify("test.txt", false)).isEqualTo(TEXT);
        assertThat(classify("Ana,42\n", false)).isEqualTo(TEXT);
        assertThat(classify("\u00c3\u00a9t\u00c3\u00a9.txt", false)).isEqualTo(TEXT);
        assertThat(classify("", true)).isNull();
    }
}
