package io.netlab.client.cli;

import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.Progress;
import io.netlab.client.RawFetcher;
import io.netlab.client.RawResult;
import io.netlab.client.Units;
import io.netlab.codec.PeerText;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code netlab-client --raw SERVER:PORT:REMOTE_PATH LOCAL_PATH}: a fetch from a lab-style server, and its summary.
 * {@code LOCAL_PATH} means what it means for a netlab fetch ({@link LocalPath}): {@code -}, a directory with a
 * trailing '/', or a file, installed with the same care for the user's files.
 */
final class RawFetchCommand {
    private RawFetchCommand() {
    }

    /** Runs the fetch the command line describes; warnings and the summary go to the terminal. */
    static int run(NetlabClient cmd, Endpoint endpoint, Path localPath, FetchOptions options) {
        boolean toStdout = cmd.local.equals("-");
        return NetlabClient.run(cmd.common, () -> {
            RawResult r;
            try (ConsoleProgress bar = ConsoleProgress.forFetch(endpoint.path(), cmd.progress ? Boolean.TRUE
                    : cmd.noProgress ? Boolean.FALSE : null, toStdout)) {
                if (toStdout) {
                    // never closed: closing descriptor 1 would free it for the next file the JVM opens
                    r = RawFetcher.fetchTo(endpoint, endpoint.path(), LocalPath.standardOutput(), options, bar);
                } else if (LocalPath.namesDirectory(cmd.local)) {
                    r = RawFetcher.fetchInto(endpoint, endpoint.path(), localPath, options, bar);
                } else {
                    r = RawFetcher.fetch(endpoint, endpoint.path(), localPath, options, bar);
                }
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
