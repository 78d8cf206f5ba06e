package io.netlab.client.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's help at 80 and 140 columns, and a command given in the wrong place. */
class HelpTest {

    private static String usage(CommandLine c, int width) {
        c.setUsageHelpAutoWidth(false);
        c.setUsageHelpWidth(width);
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Every command's description is whole sentences, and each shows in full at 80 and 140 columns. */
    @ParameterizedTest
    @ValueSource(ints = {80, 140})
    void helpCutsNoSentence(int width) {
        CommandLine main = NetlabClient.commandLine();
        for (CommandLine c : List.of(main, main.getSubcommands().get("sum"), main.getSubcommands().get("echo"))) {
            String text = usage(c, width);
            assertThat(text.lines()).as(c.getCommandName()).allMatch(l -> l.length() <= width);
            String flat = text.replaceAll("\\s+", " ");
            for (String sentence : c.getCommandSpec().usageMessage().description()) {
                assertThat(sentence).as("a whole sentence").matches("[A-Z].*\\.");
                assertThat(flat).contains(sentence.replaceAll("\\s+", " "));
            }
            assertThat(flat).contains("Exit codes: 0 done 1 failed for another reason");
        }
        String commands = usage(main, width).split("Commands:\n")[1].split("\n\n")[0].replaceAll("\\s+", " ");
        assertThat(commands).contains("sum " + main.getSubcommands().get("sum").getCommandSpec().usageMessage().description()[0],
                "echo " + main.getSubcommands().get("echo").getCommandSpec().usageMessage().description()[0]);
    }

    /** Every numeric option is checked: one line, the option's name, what is expected, and exit 2. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "--timeout -1 127.0.0.1:9:a a                   | --timeout: -1 (expected: >= 1)",
        "--timeout 0 127.0.0.1:9:a a                    | --timeout: 0 (expected: >= 1)",
        "--connect-timeout 0 127.0.0.1:9:a a            | --connect-timeout: 0 (expected: >= 1)",
        "sum 127.0.0.1:9 --timeout -3                   | --timeout: -3 (expected: >= 1)",
        "echo 127.0.0.1:9 --connect-timeout -1 hi       | --connect-timeout: -1 (expected: >= 1)",
        "--block-size 0 127.0.0.1:9:a a                 | --block-size: 0 (expected: 1..16777216)",
        "127.0.0.1:70000:a a                            | '127.0.0.1:70000:a': port 70000 (expected: 1..65535)",
        "sum 127.0.0.1:0                                | '127.0.0.1:0': port 0 (expected: 1..65535)"})
    void numericOptionsAreRangeChecked(String args, String message) {
        StringWriter err = new StringWriter();
        assertThat(NetlabClient.commandLine().setErr(new PrintWriter(err, true)).execute(args.trim().split(" +"))).isEqualTo(2);
        assertThat(err.toString().lines().toList()).hasSize(2).first().isEqualTo("netlab-client: " + message);
    }

    @Test
    void aCommandAfterTheServerSaysWhereItGoes() {
        StringWriter err = new StringWriter();
        assertThat(NetlabClient.commandLine().setErr(new PrintWriter(err, true)).execute("localhost:9001", "sum")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("netlab-client: 'sum' is a command and comes first: netlab-client sum localhost:9001\n"
                + "Try 'netlab-client --help' for more information.\n");
    }

    @Test
    void progressAndNoProgressTogetherAreAUsageError() {
        StringWriter err = new StringWriter();
        assertThat(NetlabClient.commandLine().setErr(new PrintWriter(err, true))
                .execute("--progress", "--no-progress", "localhost:9:a", "a")).isEqualTo(2);
        assertThat(err.toString()).startsWith("netlab-client: --progress and --no-progress: choose one\n");
    }
}
