package io.netlab.client;

import io.netlab.codec.FileError;
import io.netlab.codec.ForeignBytes;
import io.netlab.codec.PeerText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a file from a lab-style server in the raw dialect: the client sends the file's name and nothing else,
 * the server sends the file's bytes and closes (the lab's exercise 3 as students write it; netlab's file server
 * speaks it too). The bytes go to a hidden temporary file beside the destination, installed atomically at the end,
 * as {@link FileFetcher} does. The dialect has no size, digest or error message, so the result can only say what
 * arrived: an empty answer (a refusal looks the same) and a reset connection (a cut-off file) come back as
 * warnings; an answer that is an HTTP response or a netlab ERROR frame is not saved, and the failure says why.
 */
public final class RawFetcher {
    private RawFetcher() {
    }

    /**
     * Fetches {@code remotePath} from {@code server} into {@code local} (an existing directory: saved there under
     * the remote name), with the care {@link FileFetcher} takes of the user's files: only nothing, or with
     * {@code force} a regular file, is ever replaced; the temporary file's name fits wherever the final one does;
     * the installed file has the replaced file's permissions or the umask's. Of the options, the block size and
     * digest do not apply.
     *
     * @param server     the server
     * @param remotePath the name to ask for
     * @param local      the file, or an existing directory
     * @param options    the timeouts and transport (and for a file, {@code force})
     * @param progress   told of the bytes as they arrive
     * @return what arrived
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the temporary file is removed)
     */
    public static RawResult fetch(Endpoint server, String remotePath, Path local, FetchOptions options,
                                  Progress progress) throws ClientException, InterruptedException {
        return fetchAs(server, remotePath, FileFetcher.destination(local, remotePath), options, progress);
    }

    /**
     * Fetches {@code remotePath} into the directory {@code dir}, under the remote file's name (the command line's
     * {@code LOCAL_PATH} ending in '/'): a {@code dir} that does not exist or is not a directory is an error.
     *
     * @param server     the server
     * @param remotePath the name to ask for
     * @param dir        the directory
     * @param options    the timeouts and transport (and for a file, {@code force})
     * @param progress   told of the bytes as they arrive
     * @return what arrived
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the temporary file is removed)
     */
    public static RawResult fetchInto(Endpoint server, String remotePath, Path dir, FetchOptions options,
                                      Progress progress) throws ClientException, InterruptedException {
        return fetchAs(server, remotePath, FileFetcher.inDirectory(dir, remotePath), options, progress);
    }

    private static RawResult fetchAs(Endpoint server, String remotePath, Path destination, FetchOptions options,
                                     Progress progress) throws ClientException, InterruptedException {
        long start = System.nanoTime();
        FileFetcher.Saved<RawClientHandler> saved = FileFetcher.save(destination, options, progress,
                out -> receive(server, remotePath, out, options, progress));
        return new RawResult(destination, saved.size(), System.nanoTime() - start, saved.received().warnings());
    }

    /**
     * Fetches {@code remotePath} and writes it to {@code out} as it arrives (after the first 2 KiB, held back until
     * the answer is known to be no HTTP response or netlab error).
     *
     * @param server     the server
     * @param remotePath the name to ask for
     * @param out        where the bytes go
     * @param options    the timeouts and transport (and for a file, {@code force})
     * @param progress   told of the bytes as they arrive
     * @return what arrived
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static RawResult fetchTo(Endpoint server, String remotePath, GatheringByteChannel out, FetchOptions options,
                                    Progress progress) throws ClientException, InterruptedException {
        long start = System.nanoTime();
        RawClientHandler handler;
        try {
            handler = receive(server, remotePath, out, options, progress);
        } finally {
            progress.finish();
        }
        return new RawResult(null, handler.result().join(), System.nanoTime() - start, handler.warnings());
    }

    private static RawClientHandler receive(Endpoint server, String remotePath, GatheringByteChannel out,
                                            FetchOptions options, Progress progress)
            throws ClientException, InterruptedException {
        RawClientHandler handler = new RawClientHandler(server, remotePath, out, progress,
                options.readTimeout().toSeconds());
        try (Connector connector = new Connector(options.transport(), options.tls(), options.connectRetry())) {
            Channel ch = connector.connect(server, options.connectTimeout(), new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast("idle", new IdleStateHandler(options.readTimeout().toMillis(), 0, 0,
                            TimeUnit.MILLISECONDS));
                    c.pipeline().addLast("raw-handler", handler);
                }
            });
            try {
                handler.result().get();
                return handler;
            } catch (ExecutionException | CompletionException e) {
                if (e.getCause() instanceof ClientException ce) {
                    throw new ClientException(ce.kind(), ce.getMessage() + " (fetching " + PeerText.escape(remotePath)
                            + " from " + server.authority() + " in the raw dialect)", ce.getCause());
                }
                throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(), e.getCause());
            } finally {
                ch.close().awaitUninterruptibly();
            }
        }
    }

    /**
     * Why the start of an answer is not a file, or {@code null} when it may be one.
     *
     * @param whole whether {@code head} is the whole answer (the server has closed)
     */
    static String explain(ByteBuf head, boolean whole, Endpoint server, String remotePath) {
        if (DialectHints.isTlsServer(head.toString(head.readerIndex(), Math.min(head.readableBytes(), 64),
                java.nio.charset.StandardCharsets.US_ASCII))) {
            return DialectHints.TLS_SERVER;
        }
        FileError error = whole ? ForeignBytes.errorFrame(head) : null;
        if (error != null) {
            return "the server answered with a netlab ERROR frame, not a file: " + PeerText.escape(error.message())
                    + " [" + error.code() + "]: it is a netlab server that does not take raw requests; "
                    + "run netlab-client without --raw";
        }
        String guess = ForeignBytes.likelyAnswer(head);
        if (guess != null && guess.startsWith("an HTTP response")) {
            return "the server answered with " + guess + ", not a file: it is a web server; fetch it with curl "
                    + "http://" + server.authority() + '/' + PeerText.escape(remotePath) + " or a browser";
        }
        return null;
    }

    /** A doubt about an answer that may still be the file (an HTML page: a web server's error page), or null. */
    static String doubt(ByteBuf head) {
        String start = head.toString(head.readerIndex(), Math.min(head.readableBytes(), 32), StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(Locale.ROOT);
        if (start.startsWith("<!doctype html") || start.startsWith("<html")) {
            return "the answer is an HTML page: if the file is not one, the server is a web server that answered "
                    + "the name as an old HTTP/0.9 request (its error page); fetch the file with curl or a browser";
        }
        return null;
    }
}
