package io.netlab.client.cli;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileConstants;
import io.netlab.codec.SumConstants;
import io.netlab.codec.SumRequest;
import io.netlab.codec.SumReply;
import io.netlab.codec.NetlabVersion;
import io.netlab.codec.PeerText;
import io.netlab.client.ClientException;
import io.netlab.client.ClientTls;
import io.netlab.client.EchoClient;
import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.FileFetcher;
import io.netlab.client.FileUploader;
import io.netlab.client.UploadResult;
import io.netlab.client.SumClient;
import io.netlab.client.SumTextClient;
import io.netlab.client.TransferResult;
import io.netlab.client.Transport;
import io.netlab.client.Units;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.channels.GatheringByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The netlab client command line: {@code SERVER:PORT:REMOTE_PATH LOCAL_PATH} fetches a file (several, and with
 * {@code -r} whole trees, through {@link MultiFetchCommand}; {@code ls} lists: {@link ListCommand}),
 * {@code sum SERVER:PORT} adds two numbers with a sum server, {@code echo SERVER:PORT [TEXT]} talks to the echo
 * service. Failures print one line ({@code --verbose} adds the stack trace) and exit with a code that says what
 * failed ({@link ExitCodes}, listed by {@code --help}).
 */
@Command(name = "netlab-client", mixinStandardHelpOptions = true, versionProvider = NetlabClient.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Fetches a file from a netlab file server (the lab's exercise 3), verifies its size and digest, "
                + "and only then moves it into place.",
            "Several files (SERVER:PORT:A SERVER:PORT:B LOCAL_DIR) or a whole tree (-r SERVER:PORT:DIR LOCAL_DIR) go "
                + "over one connection per server; 'ls' lists a directory; 'put' uploads a file or a tree.",
            "The commands 'sum' (adding two numbers) and 'echo' (uppercase lines) are the other lab clients."},
        subcommands = {NetlabClient.Sum.class, NetlabClient.Echo.class, ListCommand.class, NetlabClient.Put.class})
public final class NetlabClient implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER:PORT:REMOTE_PATH",
            description = "the server (name, IPv4, or [IPv6]), its port, and the file's path under its root")
    String target;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL_PATH",
            description = "where to save it (an existing directory: saved there under the remote name; "
                    + "'-': standard output, unbuffered and without the atomic rename)")
    String local;

    @Parameters(index = "2..*", arity = "0..*", paramLabel = "MORE",
            description = "more files to fetch, the last operand being the directory they all go into (as scp)")
    List<String> more;

    @Option(names = {"-r", "--recursive"}, description = "fetch the whole tree under each remote directory "
            + "(links that leave the server's root are skipped and reported)")
    boolean recursive;

    @Option(names = "--block-size", paramLabel = "BYTES", description = "block size to ask for, 1..16777216 (default: ${DEFAULT-VALUE}, the lab's)")
    int blockSize = FileConstants.DEFAULT_BLOCK_SIZE;

    @Option(names = "--digest", paramLabel = "crc32c|sha256|none", description = "integrity check (default: crc32c)")
    String digest = "crc32c";

    @Option(names = {"-f", "--force"}, description = "replace LOCAL_PATH if it exists (only once the new file is "
            + "verified); with '-', write binary data to a terminal")
    boolean force;

    @Option(names = "--progress", description = "show a progress bar on standard error (default: when standard error "
            + "is a terminal)")
    boolean progress;

    @Option(names = {"--no-progress", "-q", "--quiet"}, description = "never show a progress bar")
    boolean noProgress;

    @Option(names = {"-C", "--continue"}, description = "continue the partial file an interrupted fetch into LOCAL_PATH "
            + "left (the check at the end still covers the whole file)")
    boolean resume;

    @Option(names = "--raw", description = "speak the lab's raw dialect: send the bare name, save what comes until the server closes (no size or digest to check; --block-size and --digest do not apply)")
    boolean raw;

    @Mixin
    Common common;

    /** Options every client takes. */
    static final class Common {
        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        int timeout = 30;

        int connectTimeout = 10;

        Duration connectRetry = Duration.ZERO;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "give up when the server is silent this long, 1 or more (default: ${DEFAULT-VALUE})")
        void timeout(int seconds) {
            timeout = atLeast(mixee, "--timeout", seconds, 1);
        }

        @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
                description = "time allowed to connect, 1 or more (default: ${DEFAULT-VALUE})")
        void connectTimeout(int seconds) {
            connectTimeout = atLeast(mixee, "--connect-timeout", seconds, 1);
        }

        @Option(names = "--connect-retry", paramLabel = "DURATION", defaultValue = "0",
                description = "when the connection is refused or the server's name does not resolve (yet), try again "
                        + "for this long, e.g. 30s, 500ms, 2m (a bare number is seconds; default: 0, no retry)")
        void connectRetry(String value) {
            connectRetry = duration(mixee, "--connect-retry", value);
        }

        @Option(names = "--transport", paramLabel = "auto|epoll|nio", description = "I/O transport (default: auto, which is nio: the faster one for one connection)")
        String transport = "auto";

        @Option(names = {"-v", "--verbose"}, description = "show the stack trace of a failure")
        boolean verbose;

        @Option(names = "--tls", description = "speak TLS (to a server started with --tls-cert); trusts the JDK's "
                + "trust store unless --tls-ca or --tls-fingerprint says otherwise")
        boolean tls;

        @Option(names = "--tls-ca", paramLabel = "CA.pem", description = "with --tls: trust only certificates signed "
                + "by this CA (PEM); the host name is checked")
        Path tlsCa;

        @Option(names = "--tls-fingerprint", paramLabel = "SHA256:HEX", description = "with --tls: trust only the "
                + "certificate with this SHA-256 fingerprint, as the server logs it at start")
        String tlsFingerprint;

        /** {@return the TLS setting of --tls, --tls-ca and --tls-fingerprint, or {@code null} for plain TCP} */
        ClientTls tls(CommandSpec spec) {
            if (!tls && (tlsCa != null || tlsFingerprint != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        (tlsCa != null ? "--tls-ca" : "--tls-fingerprint") + " without --tls (expected: --tls too)");
            }
            if (!tls) {
                return null;
            }
            if (tlsCa != null && tlsFingerprint != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--tls-ca and --tls-fingerprint: choose one");
            }
            try {
                return tlsCa != null ? ClientTls.trustCa(tlsCa)
                        : tlsFingerprint != null ? ClientTls.pinned(tlsFingerprint) : ClientTls.systemTrust();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tls-" + e.getMessage());
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        (tlsCa != null ? "--tls-ca: " : "--tls: ") + e.getMessage());
            }
        }

        Transport transport(CommandSpec spec) {
            try {
                return Transport.valueOf(transport.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--transport: " + transport + " (expected: auto, epoll or nio)");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        if (target == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "missing SERVER:PORT:REMOTE_PATH and LOCAL_PATH (or a command: sum, echo)");
        }
        Endpoint endpoint = endpoint(spec, target, true);
        if (local == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing LOCAL_PATH");
        }
        try {
            FileConstants.checkBlockSize("--block-size", blockSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DigestAlgorithm algorithm;
        try {
            algorithm = DigestAlgorithm.parse(digest);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        FetchOptions options = FetchOptions.builder().blockSize(blockSize).digest(algorithm).force(force)
                .connectTimeout(Duration.ofSeconds(common.connectTimeout)).connectRetry(common.connectRetry)
                .readTimeout(Duration.ofSeconds(common.timeout))
                .transport(common.transport(spec)).resume(resume).tls(common.tls(spec)).build();
        if (progress && noProgress) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--progress and --no-progress: choose one");
        }
        if (recursive || more != null && !more.isEmpty()) {
            if (raw) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--raw: one file at a time (expected: one SERVER:PORT:REMOTE_PATH, without -r)");
            }
            List<String> operands = new java.util.ArrayList<>(List.of(target, local));
            if (more != null) {
                operands.addAll(more);
            }
            String destination = operands.remove(operands.size() - 1);
            return MultiFetchCommand.run(this, spec, operands, destination, recursive, options);
        }
        boolean toStdout = local.equals("-");
        if (toStdout && resume) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--continue: LOCAL_PATH is '-' (expected: a file; standard output keeps no partial file)");
        }
        boolean refuseBinary = toStdout && !force && Terminals.isTerminal(Terminals.STDOUT);
        Path localPath = LocalPath.parse(spec, local);
        if (raw) {
            return RawFetchCommand.run(this, endpoint, localPath, options);
        }
        return run(common, () -> {
            TransferResult r;
            try (ConsoleProgress bar = ConsoleProgress.forFetch(endpoint.path(), progress ? Boolean.TRUE
                    : noProgress ? Boolean.FALSE : null, toStdout)) {
                if (toStdout) {
                    // never closed: closing descriptor 1 would free it for the next file the JVM opens
                    GatheringByteChannel stdout = LocalPath.standardOutput();
                    r = FileFetcher.fetchTo(endpoint, endpoint.path(),
                            refuseBinary ? Terminals.refuseBinary(stdout) : stdout, options, bar);
                } else if (LocalPath.namesDirectory(local)) {
                    r = FileFetcher.fetchInto(endpoint, endpoint.path(), localPath, options, bar);
                } else {
                    r = FileFetcher.fetch(endpoint, endpoint.path(), localPath, options, bar);
                }
                bar.done(r);
            } catch (ClientException e) {
                if (e.getCause() instanceof Terminals.BinaryOutputException binary) {
                    throw new ClientException(ClientException.Kind.LOCAL, binary.getMessage(), binary);
                }
                throw e;
            }
            (toStdout ? System.err : System.out).println("fetched " + PeerText.escape(endpoint.path()) + ": " + Units.bytes(r.bytes())
                    + (r.bytes() >= 1024 ? " (" + r.bytes() + " bytes)" : "") + " in " + Units.seconds(r.nanos())
                    + " (" + Units.rate(r.bytes() - r.resumedAt(), r.nanos()) + "), "
                    + (r.digest() == DigestAlgorithm.NONE ? "size verified" : r.digest().name().toLowerCase(Locale.ROOT)
                    + ' ' + r.digestHex() + " verified") + " -> " + (toStdout ? "standard output" : r.destination())
                    + (r.resumedAt() > 0 ? ", resumed at byte " + r.resumedAt() + " of " + r.bytes() : ""));
            return 0;
        });
    }

    /** {@code sum SERVER:PORT}: the lab's "adding two numbers" client. */
    @Command(name = "sum", mixinStandardHelpOptions = true, versionProvider = NetlabClient.Version.class, sortOptions = false,
            description = {"Adds two numbers with a sum server (the lab's exercise 2).",
                "Sends a name and a number 1..100, prints both names, both numbers and the sum, and checks the "
                    + "server's sum. Asks on the keyboard for what is not given.",
                "A number outside 1..100 is sent with a warning: it makes the lab's server shut down."})
    static final class Sum implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SERVER:PORT", description = "the sum server")
        String target;

        @Option(names = "--name", paramLabel = "NAME", description = "your name (asked for when missing)")
        String name;

        @Option(names = "--number", paramLabel = "K", description = "your number, 1..100 (asked for when missing)")
        Integer number;

        @Option(names = "--text", description = "speak the lab's text dialect (NAME,NUMBER and a newline), as students' servers do")
        boolean text;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            Endpoint endpoint = endpoint(spec, target, false);
            ClientTls tls = common.tls(spec);
            return run(common, () -> {
                BufferedReader keyboard = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                PrintStream out = System.out;
                String n = name != null ? name : askName(keyboard, out);
                checkName(n);
                int k;
                if (number != null) {
                    k = number;
                    if (k < 1 || k > 100) {
                        System.err.println("warning: " + k + " is outside 1..100: the server will refuse it and, "
                                + "unless it runs with --keep-running, shut down");
                    }
                } else {
                    k = askNumber(keyboard, out);
                }
                SumReply reply = text
                        ? SumTextClient.exchange(endpoint, new SumRequest(n, k), Duration.ofSeconds(common.timeout),
                                common.transport(spec), tls, common.connectRetry)
                        : SumClient.exchange(endpoint, new SumRequest(n, k), Duration.ofSeconds(common.timeout),
                                common.transport(spec), tls, common.connectRetry);
                long expected = (long) k + reply.value();
                out.println("Client name:   " + PeerText.escape(n));
                out.println("Server name:   " + PeerText.escape(reply.name()));
                out.println("Client number: " + k);
                out.println("Server number: " + reply.value());
                if (reply.sum() != expected) {
                    out.println("Sum:           " + reply.sum() + " (WRONG: " + k + " + " + reply.value() + " = " + expected + ')');
                    throw new ClientException(ClientException.Kind.MISMATCH, "the server's sum is wrong: it says "
                            + reply.sum() + ", but " + k + " + " + reply.value() + " = " + expected);
                }
                out.println("Sum:           " + reply.sum() + " (checked: " + k + " + " + reply.value() + " = " + expected + ')');
                return 0;
            });
        }

        private static void checkName(String n) throws ClientException {
            if (n.getBytes(StandardCharsets.UTF_8).length > SumConstants.MAX_NAME_LENGTH) {
                throw new ClientException(ClientException.Kind.LOCAL, "name: " + n.getBytes(StandardCharsets.UTF_8).length
                        + " bytes of UTF-8 (expected: <= " + SumConstants.MAX_NAME_LENGTH + ')');
            }
        }

        private static String askName(BufferedReader in, PrintStream out) throws IOException, ClientException {
            while (true) {
                out.print("Your name: ");
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    throw new ClientException(ClientException.Kind.LOCAL, "no name given (standard input ended)");
                }
                if (!line.isBlank()) {
                    return line.strip();
                }
                out.println("Please type a name.");
            }
        }

        private static int askNumber(BufferedReader in, PrintStream out) throws IOException, ClientException {
            while (true) {
                out.print("An integer between 1 and 100: ");
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    throw new ClientException(ClientException.Kind.LOCAL, "no number given (standard input ended)");
                }
                int k;
                try {
                    k = Integer.parseInt(line.strip());
                } catch (NumberFormatException e) {
                    out.println("'" + line.strip() + "' is not a whole number; try again.");
                    continue;
                }
                if (k >= 1 && k <= 100) {
                    return k;
                }
                out.print(k + " is outside 1..100: the lab's server shuts down when it gets it. Send it anyway? [y/N] ");
                out.flush();
                String answer = in.readLine();
                if (answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                    return k;
                }
            }
        }
    }

    /** {@code put LOCAL_PATH SERVER:PORT:REMOTE_PATH}: uploads a file ({@link FileUploader}). */
    @Command(name = "put", mixinStandardHelpOptions = true, versionProvider = NetlabClient.Version.class, sortOptions = false,
            description = {"Uploads a file (or with -r a directory tree) to a netlab file server started with --writable.",
                "The server checks the size and the digest of the whole file, then installs it atomically: a failed or "
                    + "cut upload never leaves anything under the remote name, and --continue resumes a cut one."})
    static final class Put implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "LOCAL_PATH", description = "the file to send (with -r, a directory)")
        String local;

        @Parameters(index = "1", paramLabel = "SERVER:PORT:REMOTE_PATH", description = "the server, its port, and "
                + "where the file goes under its root (its directory must exist there; ending in '/': under the "
                + "local file's name)")
        String target;

        @Option(names = "--block-size", paramLabel = "BYTES", description = "largest block to send, 1..16777216; the "
                + "server may ask for less (default: ${DEFAULT-VALUE})")
        int blockSize = FileUploader.DEFAULT_BLOCK_SIZE;

        @Option(names = "--digest", paramLabel = "crc32c|sha256", description = "integrity check of the whole file "
                + "(default: crc32c)")
        String digest = "crc32c";

        @Option(names = "--overwrite", description = "replace the remote file if it exists (the server must allow it: "
                + "--allow-overwrite)")
        boolean overwrite;

        @Option(names = {"-C", "--continue"}, description = "continue a cut upload of this file from what the server "
                + "kept (the server's check still covers the whole file)")
        boolean resume;

        @Option(names = {"-r", "--recursive"}, description = "LOCAL_PATH is a directory: put the regular files under "
                + "it at REMOTE_PATH, creating the directories there (links are skipped)")
        boolean recursive;

        @Option(names = "--progress", description = "show a progress bar on standard error (default: when standard "
                + "error is a terminal)")
        boolean progress;

        @Option(names = {"--no-progress", "-q", "--quiet"}, description = "never show a progress bar")
        boolean noProgress;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            Endpoint endpoint = endpoint(spec, target, true);
            try {
                FileConstants.checkBlockSize("--block-size", blockSize);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            DigestAlgorithm algorithm;
            try {
                algorithm = DigestAlgorithm.parse(digest);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
            if (algorithm == DigestAlgorithm.NONE) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--digest: none (expected: crc32c or sha256; a server installs only checked bytes)");
            }
            if (progress && noProgress) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--progress and --no-progress: choose one");
            }
            Path localPath = LocalPath.parse(spec, local);
            String remote = endpoint.path();
            if (remote.endsWith("/") && localPath.getFileName() != null) {
                remote = remote + localPath.getFileName();
            }
            FetchOptions options = FetchOptions.builder().blockSize(blockSize).digest(algorithm).force(overwrite)
                    .resume(resume).connectTimeout(Duration.ofSeconds(common.connectTimeout))
                    .connectRetry(common.connectRetry).readTimeout(Duration.ofSeconds(common.timeout)).transport(common.transport(spec))
                    .tls(common.tls(spec)).build();
            String remotePath = remote;
            if (recursive) {
                return run(common, () -> {
                    java.util.List<UploadResult> all;
                    long start = System.nanoTime();
                    try (ConsoleProgress bar = ConsoleProgress.forFetch(remotePath, progress ? Boolean.TRUE
                            : noProgress ? Boolean.FALSE : null, false)) {
                        all = FileUploader.uploadTree(endpoint, localPath, remotePath, options, bar);
                        long bytes = all.stream().mapToLong(UploadResult::bytes).sum();
                        long resumed = all.stream().mapToLong(UploadResult::resumedAt).sum();
                        long nanos = System.nanoTime() - start;
                        bar.done(new TransferResult(null, bytes, nanos, algorithm, "", resumed));
                        System.out.println("put -r " + localPath + " -> " + endpoint.authority() + ':'
                                + PeerText.escape(remotePath) + ": " + all.size() + (all.size() == 1 ? " file, " : " files, ")
                                + Units.bytes(bytes) + (bytes >= 1024 ? " (" + bytes + " bytes)" : "") + " in "
                                + Units.seconds(nanos) + " (" + Units.rate(bytes - resumed, nanos) + "), each "
                                + algorithm.name().toLowerCase(Locale.ROOT) + " verified by the server");
                    }
                    return 0;
                });
            }
            return run(common, () -> {
                UploadResult r;
                try (ConsoleProgress bar = ConsoleProgress.forFetch(remotePath, progress ? Boolean.TRUE
                        : noProgress ? Boolean.FALSE : null, false)) {
                    r = FileUploader.upload(endpoint, localPath, remotePath, options, bar);
                    bar.done(new TransferResult(null, r.bytes(), r.nanos(), r.digest(), r.digestHex(), r.resumedAt()));
                }
                System.out.println("put " + localPath + " -> " + endpoint.authority() + ':' + PeerText.escape(remotePath)
                        + ": " + Units.bytes(r.bytes()) + (r.bytes() >= 1024 ? " (" + r.bytes() + " bytes)" : "")
                        + " in " + Units.seconds(r.nanos()) + " (" + Units.rate(r.bytes() - r.resumedAt(), r.nanos())
                        + "), " + r.digest().name().toLowerCase(Locale.ROOT) + ' ' + r.digestHex()
                        + " verified by the server"
                        + (r.resumedAt() > 0 ? ", resumed at byte " + r.resumedAt() + " of " + r.bytes() : ""));
                return 0;
            });
        }
    }

    /** {@code echo SERVER:PORT [TEXT]}: the lab's example client. */
    @Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = NetlabClient.Version.class, sortOptions = false,
            description = {"Sends text to the echo server and prints its answer (the lab's exercise 1).",
                "Sends TEXT (or each line typed on the keyboard) and prints the answer, the same text in upper case, "
                    + "as TCPClient.py does."})
    static final class Echo implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SERVER:PORT", description = "the echo server")
        String target;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "TEXT", description = "the text to send (default: read lines from the keyboard)")
        List<String> text;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            Endpoint endpoint = endpoint(spec, target, false);
            ClientTls tls = common.tls(spec);
            return run(common, () -> {
                try (EchoClient client = EchoClient.connect(endpoint, Duration.ofSeconds(common.timeout),
                        common.transport(spec), tls, common.connectRetry)) {
                    if (text != null && !text.isEmpty()) {
                        // TEXT with line breaks (quoted, or $'...') goes line by line, one answer printed per line
                        String joined = String.join(" ", text);
                        for (String line : joined.isEmpty() ? List.of(joined) : joined.lines().toList()) {
                            System.out.println(PeerText.escape(client.send(line)));
                        }
                        return 0;
                    }
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    boolean prompt = System.console() != null;
                    while (true) {
                        if (prompt) {
                            System.out.print("Input lowercase sentence: ");
                            System.out.flush();
                        }
                        String line = in.readLine();
                        if (line == null) {
                            return 0;
                        }
                        System.out.println(PeerText.escape(client.send(line)));
                    }
                }
            });
        }
    }

    interface Action {
        int run() throws Exception;
    }

    /** Runs an action, turning every failure into one line on standard error and its {@link ExitCodes exit code}. */
    static int run(Common common, Action action) {
        if (!common.connectRetry.isZero()) {
            // a name that does not resolve yet (a container still starting) must be looked up again on the next
            // try, not answered from the JVM's cache of failed lookups (10 s by default)
            java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
        }
        try {
            return action.run();
        } catch (ClientException e) {
            System.err.println("netlab-client: " + e.getMessage());
            if (common.verbose && e.getCause() != null) {
                e.getCause().printStackTrace(System.err);
            }
            return ExitCodes.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("netlab-client: interrupted");
            return ExitCodes.FAILED;
        } catch (Exception e) {
            System.err.println("netlab-client: " + e);
            if (common.verbose) {
                e.printStackTrace(System.err);
            }
            return ExitCodes.FAILED;
        }
    }

    /**
     * Checks a numeric option while the command line is parsed.
     *
     * @param spec  the command, for the usage error
     * @param name  the option's name, e.g. {@code --timeout}
     * @param value what was given
     * @param min   the smallest value accepted
     * @return {@code value}
     * @throws CommandLine.ParameterException {@code "--timeout: 0 (expected: >= 1)"}: exit 2
     */
    static int atLeast(CommandSpec spec, String name, int value, int min) {
        if (value < min) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + value + " (expected: >= " + min + ')');
        }
        return value;
    }

    /** The longest {@code --connect-retry}: a day. */
    static final Duration MAX_CONNECT_RETRY = Duration.ofDays(1);

    /**
     * Reads a duration option: a whole number with an optional unit, {@code ms}, {@code s} (the default), {@code m}
     * or {@code h}, e.g. {@code 30s}, {@code 500ms}, {@code 2m}; 0 up to a day.
     *
     * @param spec  the command, for the usage error
     * @param name  the option's name, e.g. {@code --connect-retry}
     * @param value what was given
     * @return the duration
     * @throws CommandLine.ParameterException {@code "--connect-retry: 30x (expected: a duration such as 30s, 500ms
     *                                        or 2m, at most 24h)"}: exit 2
     */
    static Duration duration(CommandSpec spec, String name, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)?").matcher(value.strip());
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
        if (d == null || d.compareTo(MAX_CONNECT_RETRY) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + value
                    + " (expected: a duration such as 30s, 500ms or 2m, at most 24h)");
        }
        return d;
    }

    static Endpoint endpoint(CommandSpec spec, String text, boolean withPath) {
        try {
            return Endpoint.parse(text, withPath);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Runs the client command line and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // no JDK Flight Recorder events from Netty's allocator unless asked for: registering them costs a one-shot
        // fetch ~45 ms and ~85 jdk.jfr classes (must be set before Netty's PlatformDependent is initialised)
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // one process, one connection: Netty's unpooled allocator frees each buffer when it is released, where the
        // default pooling allocator keeps chunks of up to 10 MiB for reuse (peak RSS of a 1 GiB fetch through
        // bin/netlab-client 64 -> 54 MiB, docs/performance.md); -Dio.netty.allocator.type=... still chooses
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "unpooled");
        }
        quietMachineId();
        // Netty's own warnings go to standard error, one line each; no logging framework to start
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(StderrLoggerFactory.forCommandLine());
        // a plain fetch skips picocli (~75 ms of start-up); anything else goes to picocli as before
        Integer fast = FetchFastPath.run(args);
        System.exit(fast != null ? fast : commandLine().execute(args));
    }

    /**
     * Gives Netty a machine id before it looks for one: in a container whose only interface is the loopback it
     * finds no hardware address and warns in two lines, then uses random bytes. Random bytes are all a channel id
     * needs, so this gives them up front (unless {@code -Dio.netty.machineId} is set).
     */
    static void quietMachineId() {
        if (System.getProperty("io.netty.machineId") == null) {
            byte[] id = new byte[8];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
            id[0] |= 0x02;  // a locally administered address, as no real interface has
            System.setProperty("io.netty.machineId", java.util.HexFormat.ofDelimiter(":").formatHex(id));
        }
    }

    /** {@return the configured command line (also used by tests)} */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new NetlabClient()).setParameterExceptionHandler(NetlabClient::shortUsageError);
        for (CommandLine c : List.of(cmd, cmd.getSubcommands().get("sum"), cmd.getSubcommands().get("echo"),
                cmd.getSubcommands().get("ls"), cmd.getSubcommands().get("put"))) {
            c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.help());
        }
        return cmd;
    }

    /**
     * A command name after other arguments ({@code netlab-client localhost:9001 sum}) is a command in the wrong place.
     *
     * @param cmd  the command line that failed (the top one or a subcommand)
     * @param args all the arguments
     * @return what the right order is, or {@code null} when that is not the problem
     */
    static String misplacedCommand(CommandLine cmd, String[] args) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        if (args.length < 2 || root.getSubcommands().containsKey(args[0])) {
            return null;
        }
        for (int i = 1; i < args.length; i++) {
            if (root.getSubcommands().containsKey(args[i])) {
                List<String> rest = new java.util.ArrayList<>(List.of(args));
                rest.remove(i);
                return "'" + args[i] + "' is a command and comes first: " + root.getCommandName() + ' ' + args[i] + ' '
                        + String.join(" ", rest);
            }
        }
        return null;
    }

    /** A bad command line in two lines — what is wrong, and where to find help — then exit code 2. */
    private static int shortUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String misplaced = misplacedCommand(cmd, args);
        if (misplaced != null) {
            err.println("netlab-client: " + misplaced);
            err.println("Try 'netlab-client --help' for more information.");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
        err.println("netlab-client: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName(" ") + " --help' for more information.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** {@code --version}: the netlab, Netty and Java versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netlab " + NetlabVersion.netlab(),
                "Netty " + NetlabVersion.netty() + ", Java " + System.getProperty("java.version")};
        }
    }
}
