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

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The netlab server command line: {@code PORT [--root DIR]} serves files, {@code sum PORT} adds two numbers,
 * {@code echo PORT} uppercases lines. Every server runs until SIGINT/SIGTERM and then shuts down gracefully;
 * the sum server also stops when a client sends an out-of-range number.
 */
@Command(name = "netlab-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Serves the files under a directory (the lab's exercise 3).",
            "Subcommands run the other lab servers: 'sum' (adding two numbers) and 'echo' (uppercase lines)."},
        subcommands = {NetlabServer.Sum.class, NetlabServer.Echo.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally (signal, or an out-of-range number for 'sum')", "1:failed to start",
            "2:bad command line"})
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

    @Option(names = "--send-mode", paramLabel = "auto|buffered|sendfile", converter = SendModeConverter.class,
            description = "how file data is sent: sendfile (zero-copy) or buffered runs; auto uses sendfile for blocks >= 64 KiB when no digest is asked for (default: auto)")
    SendMode sendMode = SendMode.AUTO;

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

        @Option(names = "--threads", paramLabel = "N", description = "event loop threads (default: 0, twice the cores)")
        int threads;

        @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "close connections idle this long (default: ${DEFAULT-VALUE})")
        int idleTimeout = 60;

        @Option(names = "--request-timeout", paramLabel = "SECONDS", description = "time a client has to send its request (default: ${DEFAULT-VALUE})")
        int requestTimeout = 10;

        @Option(names = "--grace", paramLabel = "SECONDS", description = "on shutdown, time given to transfers in progress (default: ${DEFAULT-VALUE})")
        int grace = 10;

        @Option(names = "--max-connections", paramLabel = "N", description = "connections held at most; more are answered BUSY (default: ${DEFAULT-VALUE})")
        int maxConnections = ServerBuilder.DEFAULT_MAX_CONNECTIONS;

        @Option(names = "--max-connections-per-client", paramLabel = "N", description = "connections held at most from one address (default: ${DEFAULT-VALUE})")
        int maxConnectionsPerClient = ServerBuilder.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;

        @Option(names = "--wire-log", description = "log every byte sent and received (very verbose)")
        boolean wireLog;

        @Option(names = {"-v", "--verbose"}, description = "debug logging")
        boolean verbose;

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
            if (port < 0 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "PORT: " + port + " (expected: 0..65535)");
            }
            if (maxConnections < 1 || maxConnectionsPerClient < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-connections: " + maxConnections
                        + ", --max-connections-per-client: " + maxConnectionsPerClient + " (expected: >= 1)");
            }
            try {
                return builder.bind(address).port(port).transport(transport).threads(threads)
                        .idleTimeout(Duration.ofSeconds(idleTimeout)).requestTimeout(Duration.ofSeconds(requestTimeout))
                        .shutdownGrace(Duration.ofSeconds(grace)).wireLog(wireLog).maxConnections(maxConnections)
                        .maxConnectionsPerClient(maxConnectionsPerClient);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        String where(int port) {
            return (bind == null ? "*" : bind) + ':' + port;
        }
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
        FileRoot fileRoot;
        try {
            fileRoot = new FileRoot(root);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--root: " + root + " is not a readable directory (" + e.getMessage() + ')');
        }
        FileServer.Builder builder = protocols.applyTo(common.applyTo(FileServer.builder(), spec, port), spec)
                .root(fileRoot).maxBlockSize(maxBlockSize).sendMode(sendMode);
        return serve("file", builder, common.where(port), "root " + fileRoot.path() + ", send mode " + sendMode);
    }

    /** {@code sum PORT}: the lab's "adding two numbers" server. */
    @Command(name = "sum", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
            description = {"Adds two numbers (the lab's exercise 2): each client sends a name and a number 1..100;",
                "the server prints both names, both numbers and the sum, and replies with its name, number and the sum.",
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
                    "name \"" + name + "\", number " + n + (keepRunning ? ", keeps running on out-of-range numbers" : ""));
        }
    }

    /** {@code echo PORT}: the lab's example service. */
    @Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
            description = "Answers every line with the same line in upper case (the lab's exercise 1, TCPServer.py).")
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
                    "UTF-8 lines up to " + EchoServer.MAX_LINE + " bytes");
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
            System.err.println("netlab-server: cannot listen on " + where + ": " + e.getMessage());
            return 1;
        }
        logger.info("netlab {} server listening on {} ({}, transport {})", what,
                server.localAddress().getAddress().getHostAddress() + ':' + server.localAddress().getPort(), details,
                server.transport());
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

    /** Stops logback, which first writes what its never-blocking queues hold (up to a second each). */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }

    /** Runs the server command line and exits with its code. */
    public static void main(String[] args) {
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

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new NetlabServer()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(NetlabServer::shortUsageError);
    }

    /** A bad command line in two lines — what is wrong, and where to find help — then exit code 2. */
    private static int shortUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("netlab-server: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName(" ") + " --help' for more information.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
