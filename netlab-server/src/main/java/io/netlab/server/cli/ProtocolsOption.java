package io.netlab.server.cli;

import io.netlab.server.FileProtocol;
import io.netlab.server.FileServer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --protocols netlab,raw,http}: the dialects the file server speaks on its one port. */
final class ProtocolsOption {
    @Option(names = "--protocols", paramLabel = "LIST",
            description = "dialects served on the port, told apart by each connection's first bytes: netlab, raw "
                    + "(the lab's: a file name in, the bytes out), http (GET/HEAD, Range) (default: ${DEFAULT-VALUE})")
    String protocols = "netlab,raw,http";

    /** Sets the dialects on {@code builder}, or reports a bad list as a usage error. */
    FileServer.Builder applyTo(FileServer.Builder builder, CommandSpec spec) {
        try {
            return builder.protocols(FileProtocol.parseList(protocols));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
    }
}
