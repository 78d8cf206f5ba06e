package io.netlab.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointTest {
    @Test
    void parsesTheLabsForms() {
        assertThat(Endpoint.parse("localhost:9000:file.txt", true)).isEqualTo(new Endpoint("localhost", 9000, "file.txt"));
        assertThat(Endpoint.parse("127.0.0.1:9000:dir/a:b:c.txt", true))
                .isEqualTo(new Endpoint("127.0.0.1", 9000, "dir/a:b:c.txt"));
        assertThat(Endpoint.parse("[::1]:9000:/x", true)).isEqualTo(new Endpoint("::1", 9000, "/x"));
        assertThat(Endpoint.parse("[fe80::1%lo]:1:y", true).host()).isEqualTo("fe80::1%lo");
        assertThat(Endpoint.parse("server:80", false)).isEqualTo(new Endpoint("server", 80, null));
        assertThat(Endpoint.parse("[::1]:80", false).authority()).isEqualTo("[::1]:80");
    }

    @Test
    void saysWhatIsWrong() {
        assertThatThrownBy(() -> Endpoint.parse("host", false))
                .hasMessage("'host': no port (expected: SERVER:PORT)");
        assertThatThrownBy(() -> Endpoint.parse("host:80", true))
                .hasMessage("'host:80': no remote path (expected: SERVER:PORT:REMOTE_PATH)");
        assertThatThrownBy(() -> Endpoint.parse("host:80:", true))
                .hasMessage("'host:80:': empty remote path (expected: SERVER:PORT:REMOTE_PATH)");
        assertThatThrownBy(() -> Endpoint.parse("host:http:x", true))
                .hasMessage("'host:http:x': port 'http' is not a number (expected: SERVER:PORT:REMOTE_PATH, IPv6 as [::1])");
        assertThatThrownBy(() -> Endpoint.parse("host:70000:x", true))
                .hasMessage("'host:70000:x': port 70000 (expected: 1..65535)");
        assertThatThrownBy(() -> Endpoint.parse("::1:80", false))
                .hasMessageContaining("(expected: SERVER:PORT");
        assertThatThrownBy(() -> Endpoint.parse("[::1:80", false))
                .hasMessage("'[::1:80': unclosed '[' (expected: SERVER:PORT, IPv6 as [::1])");
        assertThatThrownBy(() -> Endpoint.parse(":80:x", true))
                .hasMessage("':80:x': no server (expected: SERVER:PORT:REMOTE_PATH)");
    }
}
