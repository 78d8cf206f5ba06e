package io.netlab.server.cli;

import io.netlab.codec.FileConstants;
import io.netlab.codec.SendMode;
import io.netlab.server.EchoServer;
import io.netlab.server.FileRoot;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netlab.server.ServerBuilder;
import io.netlab.server.SumServer;
import io.netlab.server.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The netlab server command line: {@code PORT [--root DIR]} serves files, {@code sum PORT} adds two numbers,
 * {@code echo PORT} uppercases lines. Every server runs until SIGTERM, SIGINT or SIGHUP, then shuts down gracefully
 * and exits 0 ({@link StopSignals}); a second signal stops it at once;
 * the sum server also stops when a client sends an out-of-range number.
 */
@Command(name = "netlab-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Serves the files under a directory (the lab's exercise 3).",
            "The commands 'sum' (adding two numbers) and 'echo' (uppercase lines) run the other lab servers."},
        subcommands = {NetlabServer.Sum.class, NetlabServer.Echo.class})
public final class NetlabServer implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT", description = "TCP port to listen on (0: any free port)")
    Integer port;

    @Option(names = "--root", paramLabel = "DIR", description = "directory to serve; nothing outside it is ever read (default: the working directory)")
    Path root = Path.of(".");

    @Option(names = "--max-block-size", paramLabel = "BYTES",
            description = "largest block size a client may ask for (default: ${DEFAULT-VALUE})")
    int maxBlockSize = FileConstants.MAX_BLOCK_SIZE;

    @Option(names = "--max-list-entries", paramLabel = "N",
            description = "most entries one listing sends; a larger one is refused with TOO_LARGE (default: ${DEFAULT-VALUE})")
    long maxListEntries = FileServer.DEFAULT_MAX_LIST_ENTRIES;

    @Option(names = "--send-mode", paramLabel = "auto|buffered|sendfile", converter = SendModeConverter.class,
            description = "how file data is sent: sendfile (zero-copy) or buffered runs; auto uses sendfile for blocks >= 64 KiB when no digest is asked for (default: auto)")
    SendMode sendMode = SendMode.AUTO;

    @Option(names = "--writable", description = "take uploads (netlab-client put) into the root; without it the "
            + "server is read-only and refuses them")
    boolean writable;

    @Option(names = "--allow-overwrite", description = "with --writable: an upload may replace an existing file when "
            + "its client asks to (put --overwrite)")
    boolean allowOverwrite;

    @Option(names = "--max-upload", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "with --writable: the largest upload taken, refused before any byte when larger; bytes, or "
                    + "with K, M, G, T (KiB...) (default: 1G)")
    Long maxUpload;

    @Option(names = "--min-free-space", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "with --writable: refuse an upload that would leave less free space than this on the root's "
                    + "file system (default: 64M)")
    Long minFreeSpace;

    @Mixin
    ProtocolsOption protocols;

    @Mixin
    Common common;

    /** Options every server takes. */
    static final class Common {
        @Option(names = "--bind", paramLabel = "ADDRESS", description = "local address to listen on (default: every interface)")
        String bind;

        @Option(names = "--transport", paramLabel = "auto|epoll|nio", converter = TransportConverter.class,
                description = "I/O transport (default: auto, epoll where available)")
        Transport transport = Transport.AUTO;

        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        int threads;
        int idleTimeout = 60;
        int requestTimeout = 10;
        int grace = 10;
        int maxConnections = ServerBuilder.DEFAULT_MAX_CONNECTIONS;
        int maxConnectionsPerClient = ServerBuilder.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;

        // each numeric option is checked as it is parsed: one line and exit 2, in the option's own name and unit

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
                description = "event loop threads, 0..1024 (default: 0, twice the cores)")
        void threads(int n) {
            threads = range(mixee, "--threads", n, 0, 1024);
        }

        @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "close connections idle this long, 1 or more (default: ${DEFAULT-VALUE})")
        void idleTimeout(int seconds) {
            idleTimeout = range(mixee, "--idle-timeout", seconds, 1, Integer.MAX_VALUE);
        }

        @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "10",
                description = "time a client has to send its request, 1 or more (default: ${DEFAULT-VALUE})")
        void requestTimeout(int seconds) {
            requestTimeout = range(mixee, "--request-timeout", seconds, 1, Integer.MAX_VALUE);
        }

        @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
                description = "on shutdown, time given to transfers in progress, 0 or more (default: ${DEFAULT-VALUE})")
        void grace(int seconds) {
            grace = range(mixee, "--grace", seconds, 0, Integer.MAX_VALUE);
        }

        @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ServerBuilder.DEFAULT_MAX_CONNECTIONS,
                description = "connections held at most, 1 or more; more are answered BUSY (default: ${DEFAULT-VALUE})")
        void maxConnections(int n) {
            maxConnections = range(mixee, "--max-connections", n, 1, Integer.MAX_VALUE);
        }

        @Option(names = "--max-connections-per-client", paramLabel = "N",
                defaultValue = "" + ServerBuilder.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                description = "connections held at most from one address, 1 or more (default: ${DEFAULT-VALUE})")
        void maxConnectionsPerClient(int n) {
            maxConnectionsPerClient = range(mixee, "--max-connections-per-client", n, 1, Integer.MAX_VALUE);
        }

        @Option(names = "--proxy-protocol",
                description = "every connection starts with a PROXY protocol v1/v2 header (HAProxy send-proxy[-v2]); its client address is used for logs and caps, a connection without one is closed")
        boolean proxyProtocol;

        @Option(names = "--wire-log", description = "log every byte sent and received (very verbose)")
        boolean wireLog;

        @Option(names = {"-v", "--verbose"}, description = "debug logging")
        boolean verbose;

        @Option(names = "--tls-cert", paramLabel = "CERT.pem", description = "serve over TLS with this certificate "
                + "chain (PEM, the server's first; with --tls-key); its SHA-256 fingerprint is logged at start")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "KEY.pem", description = "the certificate's private key (PEM, "
                + "PKCS#8, not encrypted)")
        Path tlsKey;

        @Option(names = "--tls-self-signed", description = "serve over TLS with a certificate for localhost made at "
                + "start (EC P-256, by Netty's SelfSignedCertificate; about a second): new at every start, so clients pin "
                + "the fingerprint the start-up line shows; for a lasting one use --tls-cert/--tls-key")
        boolean tlsSelfSigned;

        /** With TLS, the certificate's fingerprint, for the start-up line. */
        String tlsFingerprint;

        /** With TLS, the engine: OpenSSL when netty-tcnative is on the class path, else the JDK's. */
        String tlsProvider;

        /** {@return what the start-up line says about TLS: nothing without it} */
        String tlsDetails() {
            return tlsFingerprint == null ? "" : ", TLS (" + tlsProvider + "), certificate " + tlsFingerprint
                    + " (clients pin it with --tls-fingerprint)";
        }

        /** Applies these options to {@code builder}, or reports the first bad one as a usage error. */
        <B extends ServerBuilder<B>> B applyTo(B builder, CommandSpec spec, int port) {
            InetAddress address = null;
            if (bind != null) {
                try {
                    address = InetAddress.getByName(bind);
                } catch (UnknownHostException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--bind: unknown address: " + bind);
                }
            }
            range(spec, "PORT", port, 0, 65535);
            try {
                return builder.bind(address).port(port).transport(transport).threads(threads)
                        .idleTimeout(Duration.ofSeconds(idleTimeout)).requestTimeout(Duration.ofSeconds(requestTimeout))
                        .shutdownGrace(Duration.ofSeconds(grace)).wireLog(wireLog).maxConnections(maxConnections)
                        .maxConnectionsPerClient(maxConnectionsPerClient).proxyProtocol(proxyProtocol).tls(tls(spec));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        /** The TLS context of --tls-cert and --tls-key, or {@code null} without them. */
        private SslContext tls(CommandSpec spec) {
            if (tlsSelfSigned) {
                if (tlsCert != null || tlsKey != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--tls-self-signed with " + (tlsCert != null ? "--tls-cert" : "--tls-key")
                                    + " (expected: one of --tls-self-signed or --tls-cert/--tls-key)");
                }
                return selfSigned(spec);
            }
            if (tlsCert == null && tlsKey == null) {
                return null;
            }
            if (tlsCert == null || tlsKey == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), (tlsCert == null ? "--tls-key" : "--tls-cert")
                        + " without " + (tlsCert == null ? "--tls-cert" : "--tls-key") + " (expected: both, or neither)");
            }
            try {
                SslContext context = ServerBuilder.tlsContext(tlsCert, tlsKey);
                tlsFingerprint = fingerprint(tlsCert);
                tlsProvider = ServerBuilder.tlsProvider();
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert/--tls-key: " + e.getMessage());
            }
        }

        /** A certificate made now, for --tls-self-signed; the PEM files Netty writes for it are deleted at once. */
        private SslContext selfSigned(CommandSpec spec) {
            SelfSignedCertificate made = null;
            try {
                made = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
                SslContext context = ServerBuilder.tlsContext(made.key(), made.cert());
                tlsFingerprint = fingerprint(made.cert());
                tlsProvider = ServerBuilder.tlsProvider();
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--tls-self-signed: cannot make a certificate: " + e.getMessage());
            } finally {
                if (made != null) {
                    made.delete();
                }
            }
        }

        String where(int port) {
            return (bind == null ? "*" : bind) + ':' + port;
        }
    }

    /** {@return the SHA-256 fingerprint of the first certificate in a PEM file, as {@code SHA256:<hex>}} */
    static String fingerprint(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return fingerprint(CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    /** {@return the SHA-256 fingerprint of a certificate, as {@code SHA256:<hex>}} */
    static String fingerprint(Certificate cert) throws GeneralSecurityException {
        return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    /** Parses {@code auto|buffered|sendfile}. */
    static final class SendModeConverter implements CommandLine.ITypeConverter<SendMode> {
        @Override
        public SendMode convert(String value) {
            for (SendMode m : new SendMode[] {SendMode.AUTO, SendMode.BUFFERED, SendMode.SENDFILE}) {
                if (m.toString().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' (expected: auto, buffered or sendfile)");
        }
    }

    /** Parses {@code auto|epoll|nio}. */
    static final class TransportConverter implements CommandLine.ITypeConverter<Transport> {
        @Override
        public Transport convert(String value) {
            try {
                return Transport.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' (expected: auto, epoll or nio)");
            }
        }
    }

    @Override
    public Integer call() {
        if (port == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing PORT (or a command: sum, echo)");
        }
        try {
            FileConstants.checkBlockSize("--max-block-size", maxBlockSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (maxListEntries < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-list-entries: " + maxListEntries + " (expected: >= 1)");
        }
        FileRoot fileRoot;
        try {
            fileRoot = new FileRoot(root);
            try (DirectoryStream<Path> readable = Files.newDirectoryStream(fileRoot.path())) {
                readable.iterator().hasNext();  // a root the server may not read would refuse every request
            }
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--root: " + root + " is not a readable directory (" + describe(e) + ')');
        }
        if (!writable && (allowOverwrite || maxUpload != null || minFreeSpace != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), (allowOverwrite ? "--allow-overwrite"
                    : maxUpload != null ? "--max-upload" : "--min-free-space") + " without --writable (expected: "
                    + "--writable too)");
        }
        FileServer.Builder builder = protocols.applyTo(common.applyTo(FileServer.builder(), spec, port), spec)
                .root(fileRoot).maxBlockSize(maxBlockSize).sendMode(sendMode).writable(writable)
                .allowOverwrite(allowOverwrite).maxListEntries(maxListEntries);
        if (maxUpload != null) {
            builder.maxUpload(maxUpload);
        }
        if (minFreeSpace != null) {
            builder.minFreeSpace(minFreeSpace);
        }
        StartupWarmup.fileServer(common.transport, sendMode);   // the first client need not wait for class loading
        return serve("file", builder, common.where(port), "root " + fileRoot.path() + ", "
                + uploads() + ", send mode "
                + (common.tlsFingerprint == null ? sendMode : sendMode.underTls()) + common.tlsDetails());
    }

    /** What the start-up line says about uploads: read-only, or what a writable server takes. */
    private String uploads() {
        if (!writable) {
            return "read-only (start with --writable to take uploads)";
        }
        return "writable (uploads up to " + SizeConverter.show(maxUpload != null ? maxUpload : 1L << 30)
                + ", keeping " + SizeConverter.show(minFreeSpace != null ? minFreeSpace : 64L << 20) + " free, "
                + (allowOverwrite ? "may replace files" : "never replacing a file") + ')';
    }

    /** {@code sum PORT}: the lab's "adding two numbers" server. */
    @Command(name = "sum", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
            description = {"Adds two numbers (the lab's exercise 2).",
                "Each client sends a name and a number 1..100; the server prints both names, both numbers and the sum, "
                    + "and replies with its name, its number and the sum.",
                "An out-of-range number makes it reply with an error and exit (0), unless --keep-running."})
    static final class Sum implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on (0: any free port)")
        int port;

        @Option(names = "--name", paramLabel = "NAME", description = "the server's name (default: ${DEFAULT-VALUE})")
        String name = "Server of netlab";

        @Option(names = "--number", paramLabel = "K", description = "the server's number, 1..100 (default: random)")
        Integer number;

        @Option(names = "--keep-running", description = "refuse out-of-range numbers instead of shutting down")
        boolean keepRunning;

        @Mixin
        Common common;

        @Override
        public Integer call() {
            if (number != null && (number < SumServer.LAB_MIN || number > SumServer.LAB_MAX)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--number: " + number + " (expected: 1..100)");
            }
            int n = number != null ? number : ThreadLocalRandom.current().nextInt(SumServer.LAB_MIN, SumServer.LAB_MAX + 1);
            SumServer.Builder builder = common.applyTo(SumServer.builder(), spec, port);
            try {
                builder.name(name);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
            builder.number(n).keepRunning(keepRunning).listener(LabDisplay.toLog());
            return serve("sum", builder, common.where(port),
                    "name \"" + name + "\", number " + n + (keepRunning ? ", keeps running on out-of-range numbers" : "")
                    + common.tlsDetails());
        }
    }

    /** {@code echo PORT}: the lab's example service. */
    @Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
            description = {"Answers every line in upper case (the lab's exercise 1).",
                "Each UTF-8 line a client sends comes back in upper case, as TCPServer.py does."})
    static final class Echo implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on (0: any free port)")
        int port;

        @Mixin
        Common common;

        @Override
        public Integer call() {
            return serve("echo", common.applyTo(EchoServer.builder(), spec, port), common.where(port),
                    "UTF-8 lines up to " + EchoServer.MAX_LINE + " bytes" + common.tlsDetails());
        }
    }

    private static int serve(String what, ServerBuilder<?> builder, String where, String details) {
        Logger logger = LoggerFactory.getLogger(NetlabServer.class);
        RunningServer server;
        try {
            server = builder.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            System.err.println("netlab-server: " + cannotListen(where, e));
            return 1;
        }
        logger.info("netlab {} server listening on {} ({}, transport {})", what,
                server.localAddress().getAddress().getHostAddress() + ':' + server.localAddress().getPort(), details,
                server.transport());
        // a stop signal closes the server gracefully and the command returns 0; a second one stops it at once
        AtomicBoolean signalled = new AtomicBoolean();
        StopSignals.install((name, number) -> {
            if (signalled.compareAndSet(false, true)) {
                logger.info("signal received: shutting down (SIG{})", name);
                server.close();
            } else {
                logger.warn("second signal (SIG{}): stopping now, without waiting for transfers", name);
                stopLogging();      // the line above sits in an asynchronous queue: write it before halting
                Runtime.getRuntime().halt(128 + number);
            }
        });
        // any other end of the JVM (a signal the JVM keeps, System.exit elsewhere) still closes the server
        Thread hook = new Thread(() -> {
            if (!server.isStopping()) {
                logger.info("signal received: shutting down");
            }
            server.close();
            logger.info("netlab {} server stopped", what);
            // the JVM ends when this hook does: the log and lab lines still queued go out first
            stopLogging();
        }, "netlab-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        server.terminationFuture().join();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // a signal: the hook stops the server, says so and flushes the log; the JVM ends when it returns
            try {
                hook.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        logger.info("netlab {} server stopped", what);
        return 0;
    }

    /**
     * Checks a numeric option or parameter.
     *
     * @param spec  the command, for the usage error
     * @param name  the option's name, e.g. {@code --threads}
     * @param value what was given
     * @param min   the smallest value accepted
     * @param max   the largest value accepted
     * @return {@code value}
     * @throws CommandLine.ParameterException {@code "--threads: -1 (expected: 0..1024)"} or
     *                                        {@code "--grace: -1 (expected: >= 0)"}: exit 2
     */
    static int range(CommandSpec spec, String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + value + " (expected: "
                    + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max) + ')');
        }
        return value;
    }

    /** {@return why a directory cannot be served, in words} */
    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * Says in words why the server could not listen, instead of {@code bind(..) failed with error(-98)}.
     *
     * @param where the address and port asked for, e.g. {@code *:80}
     * @param e     what {@link ServerBuilder#start()} threw
     * @return one line for the user
     */
    static String cannotListen(String where, Exception e) {
        String m = String.valueOf(e.getMessage());
        String port = where.substring(where.lastIndexOf(':') + 1);
        if (m.contains("Address already in use") || m.contains("error(-98)")) {
            return "cannot listen on " + where + ": port " + port + " is already in use (is another server running?)";
        }
        if (m.contains("Permission denied") || m.contains("error(-13)")) {
            return "cannot listen on " + where + ": permission denied: port " + port + " is privileged (it needs root "
                    + "or CAP_NET_BIND_SERVICE; use a port above 1023)";
        }
        if (m.contains("Cannot assign requested address") || m.contains("error(-99)")) {
            return "cannot listen on " + where + ": " + where.substring(0, where.lastIndexOf(':'))
                    + " is not an address of this machine";
        }
        return "cannot listen on " + where + ": " + (e.getMessage() != null ? m : e.toString());
    }

    /**
     * Gives Netty a machine id before it looks for one: in a container whose only interface is the loopback it
     * finds no hardware address and warns in two lines, then uses random bytes. Random bytes are all a channel id
     * needs, so this gives them up front (unless {@code -Dio.netty.machineId} is set).
     */
    static void quietMachineId() {
        if (System.getProperty("io.netty.machineId") == null) {
            byte[] id = new byte[8];
            ThreadLocalRandom.current().nextBytes(id);
            id[0] |= 0x02;  // a locally administered address, as no real interface has
            System.setProperty("io.netty.machineId", HexFormat.ofDelimiter(":").formatHex(id));
        }
    }

    /** Stops logback, which first writes what its never-blocking queues hold (up to a second each). */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }

    /**
     * Runs the server command line and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // no JDK Flight Recorder events from Netty's allocator unless asked for (-Dio.netty.jfr.enabled=true):
        // registering them made a fresh server's first answer ~45 ms and ~85 jdk.jfr classes slower
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        quietMachineId();
        // the command line's logging set-up; named so that it never configures an application embedding the servers
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "netlab-server-logback.xml");
        }
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                System.setProperty("netlab.log.level", "DEBUG");
            }
            if (a.equals("--wire-log")) {
                System.setProperty("netlab.netty.log.level", "INFO");
            }
        }
        int code = commandLine().execute(args);
        // the log and lab lines go through never-blocking queues: give them their last second before the exit
        stopLogging();
        System.exit(code);
    }

    /** {@return the configured command line (also used by tests)} */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new NetlabServer()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(NetlabServer::shortUsageError);
        for (CommandLine c : List.of(cmd, cmd.getSubcommands().get("sum"), cmd.getSubcommands().get("echo"))) {
            c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        }
        return cmd;
    }

    /** What {@code --help} says about exit codes, for every server. */
    private static final Map<String, String> EXIT_CODES = exitCodes();

    private static Map<String, String> exitCodes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("    0", "stopped normally: by SIGTERM, SIGINT or SIGHUP after the graceful close (or, for 'sum', by an "
                + "out-of-range number)");
        m.put("    1", "failed to start (the message says why)");
        m.put("    2", "bad command line");
        m.put("128+N", "stopped at once by a second signal N during the graceful close (Ctrl-C twice: 130)");
        return m;
    }

    /**
     * A command name after other arguments ({@code netlab-server 9101 sum}) is a command in the wrong place.
     *
     * @param cmd  the command line that failed to parse (the top one or a subcommand)
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
                List<String> rest = new ArrayList<>(List.of(args));
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
            err.println("netlab-server: " + misplaced);
            err.println("Try 'netlab-server --help' for more information.");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
        err.println("netlab-server: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName(" ") + " --help' for more information.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
