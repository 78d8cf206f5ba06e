package io.netlab.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A blocking TCP relay on 127.0.0.1 for one connection that damages the client-to-server stream (an upload's): cut
 * both ways after N bytes, or flip one bit of byte N. The server-to-client stream passes untouched.
 */
final class UploadRelay implements AutoCloseable {
    enum Fault { CUT, FLIP }

    private final ServerSocket listener;
    private final Thread acceptor;

    UploadRelay(InetSocketAddress server, Fault fault, long at) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(() -> {
            try (Socket client = listener.accept();
                 Socket upstream = new Socket(InetAddress.getByName("127.0.0.1"), server.getPort())) {
                Thread back = new Thread(() -> pump(upstream, client, -1, null));
                back.setDaemon(true);
                back.start();
                pump(client, upstream, at, fault);
                if (fault == Fault.CUT) {
                    client.close();
                    upstream.close();
                }
                back.join(10_000);
            } catch (IOException | InterruptedException e) {
                // the test sees what the client saw
            }
        }, "upload-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Copies until the end, or (CUT) until {@code at} bytes; FLIP flips the lowest bit of byte {@code at}. */
    private static void pump(Socket from, Socket to, long at, Fault fault) {
        byte[] buf = new byte[8192];
        long done = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf, 0, fault == Fault.CUT ? (int) Math.min(buf.length, at - done)
                    : buf.length)) > 0; ) {
                if (fault == Fault.FLIP && at >= done && at < done + n) {
                    buf[(int) (at - done)] ^= 1;
                }
                out.write(buf, 0, n);
                done += n;
                if (fault == Fault.CUT && done >= at) {
                    return;
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
