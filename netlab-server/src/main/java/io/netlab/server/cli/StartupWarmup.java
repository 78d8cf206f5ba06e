package io.netlab.server.cli;

import ch.qos.logback.classic.Level;
import io.netlab.codec.SendMode;
import io.netlab.server.Transport;
import io.netlab.server.Warmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line's use of {@link Warmup}: before the file server starts listening, one throwaway transfer runs
 * the request path once, so that the first client does not wait for the server's class loading. Its log lines
 * (the throwaway server's "fetching ..."/"sent ...") are kept out of the server's log, and a warm-up that cannot
 * run only costs the first client some time: it is mentioned at debug level, never fatal.
 */
final class StartupWarmup {
    private StartupWarmup() {
    }

    static void fileServer(Transport transport, SendMode sendMode) {
        Logger serverLogger = LoggerFactory.getLogger("io.netlab.server");
        ch.qos.logback.classic.Logger quiet = serverLogger instanceof ch.qos.logback.classic.Logger l ? l : null;
        Level level = quiet == null ? null : quiet.getLevel();
        Exception failure = null;
        if (quiet != null) {
            quiet.setLevel(Level.WARN);
        }
        try {
            Warmup.fileServer(transport, sendMode);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            failure = e instanceof Exception ex ? ex : new IllegalStateException(e);
        } finally {
            if (quiet != null) {
                quiet.setLevel(level);
            }
        }
        if (failure != null) {
            LoggerFactory.getLogger(NetlabServer.class).debug("start-up warm-up skipped: {}", failure.toString());
        }
    }
}
