package io.netlab.client.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast path reads a plain fetch command line exactly as picocli does, and leaves everything else to it. */
class FetchFastPathTest {

    /** What picocli makes of {@code args}: the command with its fields filled in, or null when it refuses them. */
    private static NetlabClient picocli(String... args) {
        CommandLine cl = NetlabClient.commandLine();
        try {
            CommandLine.ParseResult r = cl.parseArgs(args);
            if (r.subcommand() != null || r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
                return null;
            }
        } catch (CommandLine.ParameterException e) {
            return null;
        }
        return cl.getCommand();
    }

    /** Every field picocli fills for a fetch, as one comparable list. */
    private static List<Object> fields(NetlabClient c) {
        return List.of(String.valueOf(c.target), String.valueOf(c.local), c.blockSize, c.digest, c.force, c.progress,
                c.noProgress, c.resume, c.raw, c.common.timeout, c.common.connectTimeout, c.common.connectRetry,
                c.common.transport, c.common.verbose, c.recursive);
    }

    private static void agree(String... args) {
        NetlabClient fast = FetchFastPath.parse(args);
        NetlabClient slow = picocli(args);
        assertThat(fast).as("fast path takes %s", List.of(args)).isNotNull();
        assertThat(slow).as("picocli takes %s", List.of(args)).isNotNull();
        assertThat(fields(fast)).as("%s", List.of(args)).isEqualTo(fields(slow));
    }

    private static void leftToPicocli(String... args) {
        assertThat(FetchFastPath.parse(args)).as("fast path leaves %s to picocli", List.of(args)).isNull();
    }

    @Test
    void theDefaultsAreThoseOfPicocli() {
        agree("127.0.0.1:9000:a.bin", "a.bin");
        agree("[::1]:9000:dir/a:b.bin", "out/");
        agree("host:1:x", "-");
    }

    @Test
    void everyOptionInEveryFormReadsAsPicocliReadsIt() {
        agree("--block-size", "65536", "h:1:x", "y");
        agree("--block-size=1048576", "h:1:x", "y");
        agree("--block-size", "007", "h:1:x", "y");
        agree("--digest", "sha256", "h:1:x", "y");
        agree("--digest=none", "h:1:x", "y");
        agree("--digest", "SHA256", "h:1:x", "y");
        agree("-f", "h:1:x", "y");
        agree("--force", "h:1:x", "y");
        agree("--progress", "h:1:x", "y");
        agree("--no-progress", "h:1:x", "y");
        agree("-q", "h:1:x", "y");
        agree("--quiet", "h:1:x", "y");
        agree("-C", "h:1:x", "y");
        agree("--continue", "h:1:x", "y");
        agree("--raw", "h:1:x", "y");
        agree("-v", "h:1:x", "y");
        agree("--verbose", "h:1:x", "y");
        agree("-r", "h:1:dir", "y");
        agree("--recursive", "h:1:dir", "y");
        agree("--timeout", "5", "--connect-timeout=3", "h:1:x", "y");
        agree("--connect-retry", "30s", "h:1:x", "y");
        agree("--connect-retry=500ms", "h:1:x", "y");
        agree("--connect-retry", "2m", "h:1:x", "y");
        agree("--connect-retry", "45", "h:1:x", "y");
        agree("--connect-retry=0", "h:1:x", "y");
        agree("--transport", "nio", "h:1:x", "y");
        agree("--transport=epoll", "h:1:x", "y");
        agree("h:1:x", "-q", "y", "--force", "--block-size", "1024", "--transport", "auto", "-v", "--timeout=1");
        agree("-q", "-f", "-v", "-C", "--digest", "crc32c", "--block-size=16777216", "--timeout", "999999999",
                "--connect-timeout", "1", "--transport", "NIO", "h:1:x", "y");
    }

    @Test
    void valuesThatPicocliChecksLaterAreStillTakenAsGiven() {
        // call() checks these and reports them through picocli: the fast path hands the line over then
        agree("--block-size", "0", "h:1:x", "y");
        agree("--digest", "md5", "h:1:x", "y");
        agree("--transport", "kqueue", "h:1:x", "y");
        agree("--progress", "--no-progress", "h:1:x", "y");
        agree("-C", "h:1:x", "-");
        agree("nohost", "y");
        agree("h:1", "y");
        for (String[] args : new String[][] {{"h:1", "y"}, {"--block-size", "0", "h:1:x", "y"},
                {"--digest", "md5", "h:1:x", "y"}, {"--transport", "kqueue", "h:1:x", "y"}, {"h:0:x", "y"},
                {"--progress", "--no-progress", "h:1:x", "y"}, {"-C", "h:1:x", "-"}}) {
            assertThat(FetchFastPath.run(args)).as("%s", List.of(args)).isNull();
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        leftToPicocli();
        leftToPicocli("--help");
        leftToPicocli("-h");
        leftToPicocli("--version");
        leftToPicocli("-V");
        leftToPicocli("h:1:x");
        leftToPicocli("h:1:x", "y", "z");
        leftToPicocli("sum", "h:1");
        leftToPicocli("echo", "h:1", "hello");
        leftToPicocli("ls", "h:1");
        leftToPicocli("-q", "sum", "h:1");
        leftToPicocli("h:1:x", "sum");
        leftToPicocli("h:1:x", "echo");
        leftToPicocli("h:1:x", "y", "--help");
        leftToPicocli("-qf", "h:1:x", "y");
        leftToPicocli("--", "h:1:x", "y");
        leftToPicocli("@args.txt");
        leftToPicocli("h:1:x", "@y");
        leftToPicocli("--bogus", "h:1:x", "y");
        leftToPicocli("--block", "1024", "h:1:x", "y");
        leftToPicocli("-q", "-q", "h:1:x", "y");
        leftToPicocli("--timeout", "1", "--timeout", "2", "h:1:x", "y");
        leftToPicocli("--digest", "none", "--digest=sha256", "h:1:x", "y");
        leftToPicocli("h:1:x", "y", "--block-size");
        leftToPicocli("--block-size", "-1", "h:1:x", "y");
        leftToPicocli("--block-size", "1k", "h:1:x", "y");
        leftToPicocli("--block-size", "0x400", "h:1:x", "y");
        leftToPicocli("--block-size", "+1024", "h:1:x", "y");
        leftToPicocli("--block-size", "9999999999", "h:1:x", "y");
        leftToPicocli("--block-size=", "h:1:x", "y");
        leftToPicocli("--digest", "-q", "h:1:x", "y");
        leftToPicocli("--quiet=true", "h:1:x", "y");
        leftToPicocli("-f=true", "h:1:x", "y");
        leftToPicocli("", "y");
        leftToPicocli("h:1:x", "");
        leftToPicocli("-x", "h:1:x", "y");
        leftToPicocli("--timeout", "0", "h:1:x", "y");
        leftToPicocli("--connect-timeout=0", "h:1:x", "y");
        leftToPicocli("-q", "--no-progress", "h:1:x", "y");
        leftToPicocli("-C", "--continue", "h:1:x", "y");
        leftToPicocli("--connect-retry", "30x", "h:1:x", "y");
        leftToPicocli("--connect-retry", "25h", "h:1:x", "y");
        leftToPicocli("--connect-retry=", "h:1:x", "y");
        leftToPicocli("--connect-retry", "1s", "--connect-retry", "2s", "h:1:x", "y");
    }

    @Test
    void whatTheFastPathLeavesToPicocliPicocliRefusesOrReadsItsOwnWay() {
        // the ones picocli refuses outright; the rest (help, version, subcommands, clusters, --, @files) it handles
        assertThat(picocli("h:1:x", "h:1:y", "z").more).as("several files: picocli's").containsExactly("z");
        for (String[] args : new String[][] {{"--bogus", "h:1:x", "y"}, {"-q", "-q", "h:1:x", "y"},
                {"--timeout", "1", "--timeout", "2", "h:1:x", "y"}, {"h:1:x", "y", "--block-size"},
                {"--block-size", "1k", "h:1:x", "y"}, {"--block-size", "9999999999", "h:1:x", "y"},
                {"-x", "h:1:x", "y"}, {"--digest", "-q", "h:1:x", "y"}, {"--timeout", "0", "h:1:x", "y"},
                {"-q", "--no-progress", "h:1:x", "y"}, {"--connect-retry", "30x", "h:1:x", "y"},
                {"--connect-retry", "25h", "h:1:x", "y"}}) {
            assertThat(picocli(args)).as("picocli refuses %s", List.of(args)).isNull();
        }
        NetlabClient clustered = picocli("-qf", "h:1:x", "y");
        assertThat(clustered.noProgress && clustered.force).isTrue();
        assertThat(picocli("--quiet=true", "h:1:x", "y").noProgress).isTrue();
    }

    @Test
    void theFastPathKnowsEveryOptionOfTheFetchCommandAndEverySubcommand() {
        CommandLine cl = NetlabClient.commandLine();
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            names.addAll(List.of(o.names()));
        }
        Set<String> leftToPicocli = Set.of("-h", "--help", "-V", "--version");
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (leftToPicocli.contains(name)) {
                continue;
            }
            boolean flag = cl.getCommandSpec().findOption(name).arity().max() == 0;
            String[] args = flag ? new String[] {name, "h:1:x", "y"} : new String[] {name, "1", "h:1:x", "y"};
            if (FetchFastPath.parse(args) == null) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("options picocli knows and the fast path does not (add them to FetchFastPath)").isEmpty();
        Map<String, CommandLine> subcommands = cl.getSubcommands();
        assertThat(FetchFastPath.SUBCOMMANDS).isEqualTo(subcommands.keySet());
    }
}
