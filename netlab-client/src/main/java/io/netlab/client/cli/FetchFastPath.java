package io.netlab.client.cli;

import java.util.Set;

/**
 * The plain fetch command line, {@code [options] SERVER:PORT:REMOTE_PATH LOCAL_PATH}, read without picocli.
 * <p>
 * picocli costs a one-shot fetch about 75 ms (docs/performance.md): its classes are Java 5 class files, which the
 * launcher's class-data archive cannot hold, and it builds its model of the commands by reflection. This reads
 * only the common, well-formed case — the fetch command's own options, each given once, as {@code --name VALUE},
 * {@code --name=VALUE} or a lone flag, and exactly two positional parameters — into a {@link NetlabClient} with
 * the same fields picocli fills, then runs the same {@link NetlabClient#call()}. Everything else is handed to
 * picocli unchanged, so that every message and exit code stays picocli's: {@code --help}, {@code --version}, the
 * subcommands, clustered short options ({@code -qf}), {@code @files}, {@code --}, repeated or unknown options,
 * values picocli would read differently, and every usage error (including those {@code call()} finds itself).
 * {@code FetchFastPathTest} checks that both readings agree.
 */
final class FetchFastPath {
    /** picocli's subcommands of {@code netlab-client} (a test checks this against picocli's model). */
    static final Set<String> SUBCOMMANDS = Set.of("sum", "echo");

    private FetchFastPath() {
    }

    /**
     * Runs {@code args} when they are a plain fetch command line this class reads exactly as picocli would, and
     * returns the exit code; returns {@code null} (having done nothing) for anything else.
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
            // failure of the fetch itself into a message and exit code 1), and reported through picocli's model,
            // which is not here. picocli reads the command line again and says what is wrong, as it always did
            return null;
        }
    }

    /** The command as picocli would fill it, or {@code null} when picocli must read {@code args} itself. */
    static NetlabClient parse(String[] args) {
        NetlabClient c = new NetlabClient();
        c.common = new NetlabClient.Common();
        boolean blockSize = false;
        boolean digest = false;
        boolean force = false;
        boolean quiet = false;
        boolean timeout = false;
        boolean connectTimeout = false;
        boolean transport = false;
        boolean verbose = false;
        int positional = 0;
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
            switch (a) {
                case "-f", "--force" -> {
                    if (force) {
                        return null;
                    }
                    force = c.force = true;
                    continue;
                }
                case "-q", "--quiet" -> {
                    if (quiet) {
                        return null;
                    }
                    quiet = c.quiet = true;
                    continue;
                }
                case "-v", "--verbose" -> {
                    if (verbose) {
                        return null;
                    }
                    verbose = c.common.verbose = true;
                    continue;
                }
                default -> {
                    // an option with a value: --name VALUE or --name=VALUE
                }
            }
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
            if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@') {
                return null;
            }
            switch (name) {
                case "--block-size" -> {
                    if (blockSize || (c.blockSize = number(value)) < 0) {
                        return null;
                    }
                    blockSize = true;
                }
                case "--timeout" -> {
                    if (timeout || (c.common.timeout = number(value)) < 0) {
                        return null;
                    }
                    timeout = true;
                }
                case "--connect-timeout" -> {
                    if (connectTimeout || (c.common.connectTimeout = number(value)) < 0) {
                        return null;
                    }
                    connectTimeout = true;
                }
                case "--digest" -> {
                    if (digest) {
                        return null;
                    }
                    c.digest = value;
                    digest = true;
                }
                case "--transport" -> {
                    if (transport) {
                        return null;
                    }
                    c.common.transport = value;
                    transport = true;
                }
                default -> {
                    return null;    // --help, --version, -qf, --, anything unknown
                }
            }
        }
        return positional == 2 ? c : null;
    }

    /** A decimal number of at most 9 digits, as picocli's {@code Integer.valueOf} reads it; -1 otherwise. */
    private static int number(String s) {
        if (s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }
}
