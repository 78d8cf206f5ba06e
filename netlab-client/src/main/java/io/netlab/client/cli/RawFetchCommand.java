package io.netlab.client.cli;

import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.Progress;
import io.netlab.client.RawFetcher;
import io.netlab.client.RawResult;
import io.netlab.client.Units;
import io.netlab.codec.PeerText;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/** {@code netlab-client --raw SERVER:PORT:REMOTE_PATH LOCAL_PATH}: a fetch from a lab-style server, and its summary. */
final class RawFetchCommand {
    private RawFetchCommand() {
    }

    /** Runs the fetch the command line describes; warnings and the summary go to the terminal. */
    static int run(NetlabClient cmd, Endpoint endpoint, FetchOptions options) {
        boolean toStdout = cmd.local.toString().equals("-");
        return NetlabClient.run(cmd.common, () -> {
            RawResult r;
            if (toStdout) {
                try (FileOutputStream stdout = new FileOutputStream(FileDescriptor.out)) {
                    r = RawFetcher.fetchTo(endpoint, endpoint.path(), stdout.getChannel(), options, Progress.NONE);
                }
            } else {
                r = RawFetcher.fetch(endpoint, endpoint.path(), cmd.local, options,
                        ConsoleProgress.forTerminal(endpoint.path(), cmd.quiet));
            }
            for (String warning : r.warnings()) {
                System.err.println("netlab-client: warning: " + warning);
            }
            PrintStream out = toStdout ? System.err : System.out;
            out.println("fetched " + PeerText.escape(endpoint.path()) + " (raw dialect): " + Units.bytes(r.bytes())
                    + (r.bytes() >= 1024 ? " (" + r.bytes() + " bytes)" : "") + " in " + Units.seconds(r.nanos())
                    + " (" + Units.rate(r.bytes(), r.nanos()) + "), unverified (the raw dialect carries no size or digest)"
                    + " -> " + (toStdout ? "standard output" : r.destination()));
            return 0;
        });
    }
}
