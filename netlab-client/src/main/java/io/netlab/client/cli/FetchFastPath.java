package io.netlab.client.cli;

import java.util.Set;

/**
 * The plain fetch command line, {@code [options] SERVER:PORT:REMOTE_PATH LOCAL_PATH}, read without picocli.
 * <p>
 * picocli costs a one-shot fetch about 75 ms (docs/performance.md): its classes are Java 5 class files, which the
 * launcher's class-data archive cannot hold, and it builds its model of the commands by reflection. This reads
 * only the common, well-formed case — the fetch command's own options, each given once, as {@code --name VALUE},
 * {@code --name=VALUE} or a lone flag, and exactly two positional parameters — into a {@link NetlabClient} with
 * the same fields picocli fills (through the same setters where picocli calls one), then runs the same
 * {@link NetlabClient#call()}. Everything else is handed to picocli unchanged, so that every message and exit code
 * stays picocli's: {@code --help}, {@code --version}, the commands, clustered short options ({@code -qf}),
 * {@code @files}, {@code --}, repeated or unknown options, values picocli would read differently, and every usage
 * error (also those a setter or {@code call()} finds). {@code FetchFastPathTest} checks that both readings agree.
 */
final class FetchFastPath {
    /** picocli's commands of {@code netlab-client} (a test checks this against picocli's model). */
    static final Set<String> SUBCOMMANDS = Set.of("sum", "echo", "ls", "put");

    private FetchFastPath() {
    }

    /**
     * Runs {@code args} when they are a plain fetch command line this class reads exactly as picocli would.
     *
     * @param args the command line
     * @return the exit code, or {@code null} (having done nothing) when picocli must read {@code args}
     */
    static Integer run(String[] args) {
        NetlabClient client = parse(args);
        if (client == null) {
            return null;
        }
        try {
            return client.call();
        } catch (Exception usageError) {
            // only a bad command line leaves call(): it is found before anything is done (call() turns every
            // failure of the fetch itself into a message and an exit code), and reported through picocli's model,
            // which is not here. picocli reads the command line again and says what is wrong, as it always did
            return null;
        }
    }

    /**
     * Reads {@code args} as picocli would.
     *
     * @param args the command line
     * @return the command with its fields filled in, or {@code null} when picocli must read {@code args} itself
     */
    static NetlabClient parse(String[] args) {
        NetlabClient c = new NetlabClient();
        c.common = new NetlabClient.Common();
        Set<String> seen = new java.util.HashSet<>();
        int positional = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.isEmpty() || a.charAt(0) == '@') {
                    return null;    // picocli's argument files, and an empty parameter: picocli's business
                }
                if (a.charAt(0) != '-' || a.equals("-")) {
                    if (SUBCOMMANDS.contains(a) || positional == 2) {
                        return null;
                    }
                    if (positional++ == 0) {
                        c.target = a;
                    } else {
                        c.local = a;
                    }
                    continue;
                }
                String flag = switch (a) {
                    case "-f", "--force" -> "force";
                    case "--progress" -> "progress";
                    case "--no-progress", "-q", "--quiet" -> "no-progress";
                    case "-C", "--continue" -> "continue";
                    case "--raw" -> "raw";
                    case "--tls" -> "tls";
                    case "-v", "--verbose" -> "verbose";
                    case "-r", "--recursive" -> "recursive";
                    default -> null;
                };
                if (flag != null) {
                    if (!seen.add(flag)) {
                        return null;    // picocli: "should be specified only once"
                    }
                    switch (flag) {
                        case "force" -> c.force = true;
                        case "progress" -> c.progress = true;
                        case "no-progress" -> c.noProgress = true;
                        case "continue" -> c.resume = true;
                        case "raw" -> c.raw = true;
                        case "tls" -> c.common.tls = true;
                        case "recursive" -> c.recursive = true;
                        default -> c.common.verbose = true;
                    }
                    continue;
                }
                // an option with a value: --name VALUE or --name=VALUE
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    return null;
                }
                if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@' || !seen.add(name)) {
                    return null;
                }
                switch (name) {
                    case "--block-size" -> c.blockSize = number(value);
                    case "--timeout" -> c.common.timeout(number(value));
                    case "--connect-timeout" -> c.common.connectTimeout(number(value));
                    case "--connect-retry" -> c.common.connectRetry(value);
                    case "--digest" -> c.digest = value;
                    case "--transport" -> c.common.transport = value;
                    case "--tls-ca" -> c.common.tlsCa = java.nio.file.Path.of(value);
                    case "--tls-fingerprint" -> c.common.tlsFingerprint = value;
                    default -> {
                        return null;    // --help, --version, -qf, --, anything unknown
                    }
                }
            }
        } catch (RuntimeException refused) {
            // a value picocli would read differently, or one its setter refuses (through picocli's model, which
            // is not here): picocli reads the command line and says what is wrong
            return null;
        }
        return positional == 2 ? c : null;
    }

    /** A decimal number of at most 9 digits, as picocli's {@code Integer.valueOf} reads it. */
    private static int number(String s) {
        if (s.length() > 9) {
            throw new NumberFormatException(s);
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new NumberFormatException(s);
            }
        }
        return Integer.parseInt(s);
    }
}
