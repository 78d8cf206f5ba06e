package io.netlab.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Faults below TCP: the server jar runs in a network namespace this test creates (a veth pair, 10.231.N.0/30, a
 * host that exists only inside this test), where nftables drops a share of its packets or tc's tbf caps its rate.
 * TCP must hide both: every transfer completes and verifies. Needs root, iproute2 and nftables (.ci/run installs
 * nftables); where they are missing, the tests are skipped and say why.
 */
class NamespaceFaultIT {
    private static final Path SERVER_JAR = Path.of(System.getProperty("netlab.server.jar", "../netlab-server/target/netlab-server.jar"));
    private static final long PID = ProcessHandle.current().pid();
    private static final String NS = "netlab-" + PID;
    private static final String HOST_IF = "nla" + PID % 100000;
    private static final String NS_IF = "nlb" + PID % 100000;
    private static final String NS_IP = "10.231." + (1 + PID % 250) + ".2";
    private static final String HOST_IP = "10.231." + (1 + PID % 250) + ".1";

    @TempDir
    static Path root;
    static Process server;
    static Endpoint endpoint;
    static boolean created;

    /** Runs a command; 127 when it is not installed (as a shell would say), so that callers can skip. */
    private static int sh(String... cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException notInstalled) {
            return 127;
        }
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static void must(String... cmd) throws Exception {
        assertThat(sh(cmd)).as(String.join(" ", cmd)).isZero();
    }

    private static void inNs(String... cmd) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        all.addAll(List.of(cmd));
        must(all.toArray(new String[0]));
    }

    /** Why the tests cannot run here, or null: each test is then reported skipped with this message. */
    static String missing;

    @BeforeEach
    void needsTheNamespace() {
        assumeTrue(missing == null, missing);
    }

    @BeforeAll
    static void namespace() throws Exception {
        if (sh("nft", "--version") != 0) {
            missing = "nftables is not installed (.ci/run installs it as root)";
        } else if (sh("ip", "-V") != 0 || sh("tc", "-V") != 0) {
            missing = "iproute2 (ip, tc) is not installed";
        } else if (sh("ip", "netns", "add", NS) != 0) {
            missing = "network namespaces cannot be created here (needs root)";
        }
        if (missing != null) {
            return;
        }
        created = true;
        must("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
        must("ip", "link", "set", NS_IF, "netns", NS);
        must("ip", "addr", "add", HOST_IP + "/30", "dev", HOST_IF);
        must("ip", "link", "set", HOST_IF, "up");
        inNs("ip", "addr", "add", NS_IP + "/30", "dev", NS_IF);
        inNs("ip", "link", "set", NS_IF, "up");
        inNs("ip", "link", "set", "lo", "up");

        byte[] data = new byte[8 * 1024 * 1024];
        new Random(31).nextBytes(data);
        Files.write(root.resolve("8m.bin"), data);
        server = new ProcessBuilder("ip", "netns", "exec", NS,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", SERVER_JAR.toString(),
                "0", "--root", root.toString(), "--bind", NS_IP).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("listening on " + Pattern.quote(NS_IP) + ":(\\d+)");
        String line;
        Matcher m = null;
        while ((line = out.readLine()) != null) {
            m = listening.matcher(line);
            if (m.find()) {
                break;
            }
        }
        assertThat(line).as("the server started in the namespace").isNotNull();
        endpoint = new Endpoint(NS_IP, Integer.parseInt(m.group(1)), null);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe flowing
                }
            } catch (IOException ignored) {
                // the server ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
        if (created) {
            sh("ip", "netns", "del", NS);     // takes the veth pair with it
            sh("ip", "link", "del", HOST_IF);
        }
    }

    private static TransferResult fetch() throws Exception {
        Path out = Files.createTempDirectory(root, "out").resolve("copy.bin");
        TransferResult r = FileFetcher.fetch(endpoint, "8m.bin", out,
                FetchOptions.defaults().withBlockSize(65536).withReadTimeout(Duration.ofSeconds(20))
                        .withTransport(Transport.AUTO), Progress.NONE);
        assertThat(out).hasSameBinaryContentAs(root.resolve("8m.bin"));
        return r;
    }

    /**
     * Drops every 33rd packet the server's namespace sends (about 3 %). Counting rather than drawing at random makes
     * the loss certain: CI once saw a random 3 % draw no loss at all, twice, where the kernel sent the 8 MiB as few
     * large GSO packets. The interface's GSO size is lowered so that 8 MiB is many packets.
     */
    @Test
    void threePercentPacketLossIsHiddenByTcp() throws Exception {
        sh("ip", "netns", "exec", NS, "ip", "link", "set", "dev", NS_IF, "gso_max_size", "16384");
        Path rules = Files.writeString(root.resolve("loss.nft"), "table inet netlab_loss {\n"
                + "  chain out { type filter hook output priority 0; policy accept; counter; numgen inc mod 33 == 0 counter drop; }\n"
                + "}\n");
        inNs("nft", "-f", rules.toString());
        try {
            assertThat(fetch().bytes()).isEqualTo(8L * 1024 * 1024);
            Process list = new ProcessBuilder("ip", "netns", "exec", NS, "nft", "list", "table", "inet", "netlab_loss")
                    .redirectErrorStream(true).start();
            String table = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher counter = Pattern.compile("counter packets (\\d+)").matcher(table);
            assertThat(counter.find()).as(table).isTrue();
            long sent = Long.parseLong(counter.group(1));
            assumeTrue(sent > 0, "nftables' output hook in the namespace saw none of the server's packets: "
                    + "no loss can be injected on this kernel");
            assertThat(counter.find()).as(table).isTrue();
            assertThat(Long.parseLong(counter.group(1))).as("packets the namespace dropped, of " + sent + " sent\n" + table)
                    .isPositive();
        } finally {
            inNs("nft", "delete", "table", "inet", "netlab_loss");
        }
    }

    @Test
    void aTokenBucketRateCapOnlyMakesItSlower() throws Exception {
        inNs("tc", "qdisc", "add", "dev", NS_IF, "root", "tbf", "rate", "40mbit", "burst", "64kb", "latency", "200ms");
        try {
            TransferResult r = fetch();
            // 8 MiB at 40 Mbit/s cannot take less than about 1.6 s: the cap was in force
            assertThat(r.nanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1200));
        } finally {
            inNs("tc", "qdisc", "del", "dev", NS_IF, "root");
        }
    }
}
