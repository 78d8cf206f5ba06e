package io.netlab.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's command line in this JVM: help, usage errors and start-up failures (never a running server). */
class NetlabServerCliTest {
    private String err;

    private int server(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try (PrintStream e = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setErr(e);
            int code = NetlabServer.commandLine().setErr(new PrintWriter(usage, true)).execute(args);
            err = usage + bytes.toString(StandardCharsets.UTF_8);
            return code;
        } finally {
            System.setErr(oldErr);
        }
    }

    static String usage(CommandLine c, int width) {
        c.setUsageHelpAutoWidth(false);
        c.setUsageHelpWidth(width);
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Every command's description is whole sentences, and each shows in full at 80 and 140 columns. */
    @ParameterizedTest
    @ValueSource(ints = {80, 140})
    void helpCutsNoSentence(int width) {
        CommandLine main = NetlabServer.commandLine();
        for (CommandLine c : List.of(main, main.getSubcommands().get("sum"), main.getSubcommands().get("echo"))) {
            String text = usage(c, width);
            assertThat(text.lines()).as(c.getCommandName()).allMatch(l -> l.length() <= width);
            String flat = text.replaceAll("\\s+", " ");
            for (String sentence : c.getCommandSpec().usageMessage().description()) {
                assertThat(sentence).as("a whole sentence").matches("[A-Z].*\\.");
                assertThat(flat).contains(sentence.replaceAll("\\s+", " "));
            }
        }
        // the list of commands shows each one's first sentence, whole
        String commands = usage(main, width).split("Commands:\n")[1].split("\n\n")[0].replaceAll("\\s+", " ");
        assertThat(commands).contains("sum " + main.getSubcommands().get("sum").getCommandSpec().usageMessage().description()[0],
                "echo " + main.getSubcommands().get("echo").getCommandSpec().usageMessage().description()[0]);
    }

    /** Every server takes --proxy-protocol (the PROXY header first on every connection, behind HAProxy). */
    @org.junit.jupiter.api.Test
    void everyServerTakesTheProxyProtocolOption() {
        CommandLine main = NetlabServer.commandLine();
        for (CommandLine c : List.of(main, main.getSubcommands().get("sum"), main.getSubcommands().get("echo"))) {
            assertThat(usage(c, 140)).as(c.getCommandName()).contains("--proxy-protocol");
            assertThat(c.getCommandSpec().findOption("--proxy-protocol")).isNotNull();
        }
    }

    /** Every numeric option is checked: one line, the option's name, what is expected, and exit 2. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "0 --threads -1                        | --threads: -1 (expected: 0..1024)",
        "echo 0 --threads 1025                 | --threads: 1025 (expected: 0..1024)",
        "echo 0 --request-timeout 0            | --request-timeout: 0 (expected: >= 1)",
        "sum 0 --idle-timeout -5               | --idle-timeout: -5 (expected: >= 1)",
        "0 --grace -1                          | --grace: -1 (expected: >= 0)",
        "0 --max-connections 0                 | --max-connections: 0 (expected: >= 1)",
        "sum 0 --max-connections-per-client -2 | --max-connections-per-client: -2 (expected: >= 1)",
        "0 --max-block-size 0                  | --max-block-size: 0 (expected: 1..16777216)",
        "sum 0 --number 101                    | --number: 101 (expected: 1..100)",
        "echo 70000                            | PORT: 70000 (expected: 0..65535)",
        "sum -- -1                             | PORT: -1 (expected: 0..65535)",
        "0 --idle-timeout 99999999999          | Invalid value for option '--idle-timeout': '99999999999' is not an int"})
    void numericOptionsAreRangeChecked(String args, String message) {
        assertThat(server(args.trim().split(" +"))).isEqualTo(2);
        assertThat(err.lines().toList()).hasSize(2).first().isEqualTo("netlab-server: " + message);
    }

    @Test
    void aCommandAfterThePortSaysWhereItGoes() {
        assertThat(server("9101", "sum")).isEqualTo(2);
        assertThat(err).isEqualTo("netlab-server: 'sum' is a command and comes first: netlab-server sum 9101\n"
                + "Try 'netlab-server --help' for more information.\n");
        assertThat(server("9101", "--bind", "127.0.0.1", "echo")).isEqualTo(2);
        assertThat(err).startsWith("netlab-server: 'echo' is a command and comes first: netlab-server echo 9101 --bind 127.0.0.1\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "auto"})
    void aPortInUseIsSaidInWords(String transport) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThat(server("echo", Integer.toString(port), "--bind", "127.0.0.1", "--transport", transport)).isEqualTo(1);
            assertThat(err).isEqualTo("netlab-server: cannot listen on 127.0.0.1:" + port + ": port " + port
                    + " is already in use (is another server running?)\n");
        }
    }

    @Test
    void anAddressOfAnotherMachineIsSaidInWords() {
        assertThat(server("echo", "0", "--bind", "192.0.2.1")).isEqualTo(1);     // TEST-NET-1: never local
        assertThat(err).isEqualTo("netlab-server: cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine\n");
    }

    @Test
    void aPrivilegedPortIsSaidInWords() {
        assertThat(NetlabServer.cannotListen("*:80", new java.net.BindException("Permission denied")))
                .isEqualTo("cannot listen on *:80: permission denied: port 80 is privileged (it needs root or "
                        + "CAP_NET_BIND_SERVICE; use a port above 1023)");
        assertThat(NetlabServer.cannotListen("*:80", new java.io.IOException("bind(..) failed with error(-13): Permission denied")))
                .startsWith("cannot listen on *:80: permission denied: port 80 is privileged");
    }

    @Test
    void tlsOptionsAreCheckedAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(server("echo", "0", "--tls-cert", "c.pem")).isEqualTo(2);
        assertThat(err).startsWith("netlab-server: --tls-cert without --tls-key (expected: both, or neither)\n");
        java.nio.file.Path junk = java.nio.file.Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThat(server("echo", "0", "--tls-cert", junk.toString(), "--tls-key", junk.toString())).isEqualTo(2);
        assertThat(err).startsWith("netlab-server: --tls-cert/--tls-key: cannot use " + junk + " and " + junk + ": ");
        assertThat(server("echo", "0", "--tls-self-signed", "--tls-key", junk.toString())).isEqualTo(2);
        assertThat(err).startsWith("netlab-server: --tls-self-signed with --tls-key "
                + "(expected: one of --tls-self-signed or --tls-cert/--tls-key)\n");
    }

    @Test
    void aMissingRootIsRefusedAtStart() {
        assertThat(server("0", "--root", "/no/such/dir")).isEqualTo(2);
        assertThat(err).startsWith("netlab-server: --root: /no/such/dir is not a readable directory (no such directory)\n");
    }

    @Test
    void theMachineIdIsSetUnlessTheUserSetIt() {
        String before = System.getProperty("io.netty.machineId");
        try {
            System.clearProperty("io.netty.machineId");
            NetlabServer.quietMachineId();
            String id = System.getProperty("io.netty.machineId");
            assertThat(id).matches("([0-9a-f]{2}:){7}[0-9a-f]{2}");
            System.setProperty("io.netty.machineId", "00:11:22:33:44:55");
            NetlabServer.quietMachineId();
            assertThat(System.getProperty("io.netty.machineId")).isEqualTo("00:11:22:33:44:55");
        } finally {
            if (before == null) {
                System.clearProperty("io.netty.machineId");
            } else {
                System.setProperty("io.netty.machineId", before);
            }
        }
    }
}
