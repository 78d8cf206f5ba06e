package io.netlab.server.cli;

import io.netlab.codec.PeerText;
import io.netlab.server.SumServer;

import java.io.PrintStream;
import java.net.SocketAddress;

/** What the lab asks the sum server to display: both names, both numbers and the sum, two lines per client. */
public final class LabDisplay implements SumServer.Listener {
    private final PrintStream out;

    /** @param out where the lines go (the server prints to standard output) */
    public LabDisplay(PrintStream out) {
        this.out = out;
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
        synchronized (out) {
            out.println(first);
            out.println(second);
            out.flush();
        }
    }
}
