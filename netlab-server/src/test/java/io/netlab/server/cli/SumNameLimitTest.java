package io.netlab.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sum server whose name is over the protocol's limit (1024 bytes of UTF-8) would start and then fail every reply;
 * the command line refuses it at start-up with a one-line error and exit code 2, before listening.
 */
class SumNameLimitTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = NetlabServer.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void aNameOverTheLimitIsAUsageError() {
        // 513 characters, 1026 bytes: the limit counts bytes, not characters
        String[] r = run("sum", "0", "--bind", "127.0.0.1", "--name", "é".repeat(513));
        assertThat(r[0]).as("exit code").isEqualTo("2");
        assertThat(r[2].lines()).containsExactly("netlab-server: --name: 1026 bytes of UTF-8 (expected: <= 1024)",
                "Try 'netlab-server sum --help' for more information.");
        assertThat(r[1]).isEmpty();
    }
}
