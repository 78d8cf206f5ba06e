package io.netlab.server.cli;

import io.netlab.codec.PeerText;
import io.netlab.server.SumServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * What the lab asks the sum server to display: both names, both numbers and the sum, two lines per client. The
 * command line shows them through the {@code netlab.lab} logger ({@link #toLog()}), whose appender never blocks the
 * event loop that calls the listener, even when standard output is a pipe nobody reads.
 */
public final class LabDisplay implements SumServer.Listener {
    private final Consumer<String> out;

    /** @param out where the lines go, written synchronously (for tests and embedders with their own stream) */
    public LabDisplay(PrintStream out) {
        this.out = lines -> {
            synchronized (out) {
                out.println(lines);
                out.flush();
            }
        };
    }

    private LabDisplay(Consumer<String> out) {
        this.out = out;
    }

    /** {@return the command line's display: bare lines through the {@code netlab.lab} logger (see netlab-server-logback.xml)} */
    public static LabDisplay toLog() {
        Logger lab = LoggerFactory.getLogger("netlab.lab");
        return new LabDisplay((Consumer<String>) lab::info);
    }

    @Override
    public void answered(SocketAddress client, String clientName, int clientNumber, String serverName, int serverNumber,
                         long sum) {
        print("Client name: " + PeerText.escape(clientName) + " | Server name: " + serverName,
                "Client number: " + clientNumber + " | Server number: " + serverNumber + " | Sum: " + sum);
    }

    @Override
    public void refused(SocketAddress client, String clientName, int clientNumber, String serverName, int min, int max,
                        boolean shuttingDown) {
        print("Client name: " + PeerText.escape(clientName) + " | Server name: " + serverName,
                "Client number: " + clientNumber + " is outside " + min + ".." + max
                        + (shuttingDown ? ": shutting down" : ": refused"));
    }

    private void print(String first, String second) {
        out.accept(first + System.lineSeparator() + second);
    }
}
