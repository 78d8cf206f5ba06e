package io.netlab.codec;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.Version;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NettyVersionsTest {

    @Test
    void aNetty41ApplicationThatAddsTheCodecIsToldInOneLine() {
        // what `mvn dependency:tree` shows for a Netty 4.1 app with netlab-codec: its own 4.1 artifacts, and
        // netty-codec-base 4.2 that only netlab brought
        String problem = NettyVersions.problem(Map.of(
                "netty-common", "4.1.118.Final", "netty-buffer", "4.1.118.Final", "netty-transport", "4.1.118.Final",
                "netty-codec", "4.1.118.Final", "netty-handler", "4.1.118.Final", "netty-codec-base", "4.2.18.Final",
                "netty-tcnative-classes", "2.0.70.Final"));
        assertThat(problem).doesNotContain("\n")
                .startsWith("netlab-codec " + NetlabVersion.netlab() + " needs Netty 4.2.x (built with " + NetlabVersion.netty()
                        + "), but the class path mixes netty-buffer 4.1.118.Final, netty-codec 4.1.118.Final and 3 more"
                        + " with netty-codec-base 4.2.18.Final")
                .endsWith(": use one Netty version for every io.netty artifact (import io.netty:netty-bom:"
                        + NetlabVersion.netty() + ')')
                .doesNotContain("tcnative");
        assertThat(NettyVersions.problem(Map.of("netty-codec", "4.1.118.Final", "netty-codec-base", "4.2.18.Final")))
                .contains("mixes netty-codec 4.1.118.Final with netty-codec-base 4.2.18.Final:");
    }

    @Test
    void oneNetty42LineIsFineWhateverElseIsThere() {
        assertThat(NettyVersions.problem(Map.of())).isNull();
        assertThat(NettyVersions.problem(Map.of("netty-codec-base", "4.2.18.Final", "netty-common", "4.2.19.Final",
                "netty-tcnative-boringssl-static", "2.0.70.Final"))).isNull();
    }

    @Test
    void theVersionsAreThoseNettyItselfIdentifies() {
        Map<String, String> netty = new java.util.TreeMap<>();
        Version.identify(NettyVersions.class.getClassLoader()).values()
                .forEach(v -> netty.put(v.artifactId(), v.artifactVersion()));
        assertThat(NettyVersions.identify()).isNotEmpty().isEqualTo(netty);
    }

    @Test
    void thisClassPathPassesAndTheDecodersAreBuilt() {
        Map<String, Version> found = Version.identify();
        assertThat(found).containsKeys("netty-codec-base", "netty-common");
        NettyVersions.check();
        EmbeddedChannel ch = new EmbeddedChannel(FileFrameDecoder.forServer(), SumDecoder.forClient());
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
