package io.netlab.client;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.ListEntry;
import io.netlab.codec.ListRequest;
import io.netlab.codec.PeerText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Several requests to one file server over one connection (docs/protocol.md, "Several requests per connection"):
 * listings and fetches, one after another, so that many files cost one TCP (and TLS) set-up. Each fetch is as safe
 * as {@link FileFetcher#fetch}: verified, installed atomically, resumable. When the server closes the connection
 * after an answer (servers that predate this: one request per connection) the next request goes out on a new
 * connection, once. Not thread-safe: one request at a time.
 * <pre>{@code
 * try (FileSession session = FileSession.open(Endpoint.parse("host:9000"), FetchOptions.defaults())) {
 *     for (ListEntry e : session.list("docs", false)) { ... }
 *     session.fetch("docs/a.txt", Path.of("a.txt"), Progress.NONE);
 * }
 * }</pre>
 */
public final class FileSession implements AutoCloseable {
    /** The most entries a listing may have on the client's side (the server's default limit). */
    public static final long MAX_LIST_ENTRIES = 1_000_000;

    /** Refusals after which the server keeps the connection (docs/protocol.md). */
    private static final Set<ErrorCode> KEEPING = EnumSet.of(ErrorCode.NOT_FOUND, ErrorCode.ACCESS_DENIED,
            ErrorCode.NOT_A_FILE, ErrorCode.OUT_OF_RANGE, ErrorCode.ALREADY_EXISTS, ErrorCode.TOO_LARGE);

    private final Endpoint server;
    private final FetchOptions options;
    private final Connector connector;
    /** The margin over the read timeout that the backstop in {@link #await} waits for an answer. */
    private static final long BACKSTOP_MARGIN_MILLIS = 5_000;
    /** How long a retry waits for the last request's handler to leave the old connection. */
    private static final long REMOVAL_WAIT_MILLIS = 10_000;

    /** For tests: runs on the caller's thread between run()'s look at the connection and the request's hand-off. */
    Runnable afterActiveCheck = () -> { };

    private Channel channel;
    /** The removal of the last request's handler from its connection (done on the event loop). */
    private Future<?> removal;
    private int connections;
    /** Requests answered on the current connection: only a later request is sent once more after a close. */
    private int answeredHere;

    private FileSession(Endpoint server, FetchOptions options) {
        this.server = server;
        this.options = options;
        this.connector = new Connector(options.transport(), options.tls(), options.connectRetry());
    }

    /**
     * Opens a session: connects to the server at once, so that a server that cannot be reached fails here.
     *
     * @param server  the server's host and port
     * @param options block size, digest, overwrite, timeouts, transport, TLS (and resume, for each fetch)
     * @return the session, which the caller closes
     * @throws ClientException      when the server cannot be reached
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static FileSession open(Endpoint server, FetchOptions options) throws ClientException, InterruptedException {
        FileSession session = new FileSession(server, options);
        try {
            session.connect();
            return session;
        } catch (ClientException | InterruptedException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Whether the server keeps the connection after this failure (a refusal of a well-formed request). */
    static boolean keepsConnection(ClientException e) {
        return e.kind() == ClientException.Kind.REMOTE && e.errorCode() != null && KEEPING.contains(e.errorCode());
    }

    /** For tests: the session's current connection. */
    Channel channel() {
        return channel;
    }

    /** {@return the connections this session has opened so far (1, unless the server closed after an answer)} */
    public int connections() {
        return connections;
    }

    /**
     * Lists a directory on the server.
     *
     * @param path      the directory under the server's root ("" for the root); a file is listed as its one entry
     * @param recursive whether to list the whole tree below it (each directory before what it holds)
     * @return the entries, their paths relative to {@code path}, as the server sent them (checked by the codec:
     *         relative, no {@code ..}; check them again before they become local names)
     * @throws ClientException      when the server refuses, the connection fails, or the listing is malformed
     * @throws InterruptedException when the calling thread is interrupted
     */
    public List<ListEntry> list(String path, boolean recursive) throws ClientException, InterruptedException {
        ListClientHandler handler = new ListClientHandler(ListRequest.of(path, recursive),
                options.readTimeout().toSeconds(), MAX_LIST_ENTRIES);
        return run(handler, "listing " + (path.isEmpty() ? "/" : PeerText.escape(path)));
    }

    /**
     * Fetches one file, as {@link FileFetcher#fetch} does, on this session's connection.
     *
     * @param remotePath the file's path under the server's root
     * @param local      the destination file, or an existing directory to save it in
     * @param progress   told of the transfer's progress, on the event loop ({@link Progress#NONE}: nothing)
     * @return what was fetched, how fast, and its verified digest
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the partial file is kept)
     */
    public TransferResult fetch(String remotePath, Path local, Progress progress)
            throws ClientException, InterruptedException {
        return fetchAs(remotePath, FileFetcher.destination(local, remotePath), progress, true);
    }

    /**
     * Fetches one file into the directory {@code dir}, under the remote file's name; {@code dir} must exist.
     *
     * @param remotePath the file's path under the server's root
     * @param dir        an existing directory
     * @param progress   told of the transfer's progress ({@link Progress#NONE}: nothing)
     * @return what was fetched, how fast, and its verified digest
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the partial file is kept)
     */
    public TransferResult fetchInto(String remotePath, Path dir, Progress progress)
            throws ClientException, InterruptedException {
        return fetchAs(remotePath, FileFetcher.inDirectory(dir, remotePath), progress, true);
    }

    private TransferResult fetchAs(String remotePath, Path destination, Progress progress, boolean record)
            throws ClientException, InterruptedException {
        return FileFetcher.fetchAs(server, remotePath, destination, options, progress, handler -> {
            handler.keepConnection();
            return run(handler, "fetching " + PeerText.escape(remotePath));
        }, record);
    }

    /**
     * Fetches a whole tree: a recursive listing of {@code remoteDir}, then every file in it on this connection,
     * each verified and installed atomically as {@link #fetch} does, into {@code localDir} (created when missing,
     * with the directories of the tree). Every name is checked before anything is written ({@link LocalNames}):
     * a name that would leave {@code localDir}, or that differs from another only by case, fails the whole fetch
     * before its first file; just before each directory or file is made, no symbolic link already in {@code localDir}
     * may carry it outside ({@link LocalNames#checkParents}). Links the server skipped (they lead out of its root) and FIFOs, sockets and devices
     * are not fetched: the result names them. The first failure stops the fetch; files fetched before it stay. A
     * tree's files are not resumable one by one: their partial files get no record (a later fetch discards them).
     *
     * @param remoteDir the directory under the server's root ("" for the root)
     * @param localDir  the local directory the tree's contents go into
     * @param progress  one progress for the whole tree: started once with the total of the files' sizes
     * @return the files fetched, their bytes, and what was skipped
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted
     */
    public TreeResult fetchTree(String remoteDir, Path localDir, Progress progress)
            throws ClientException, InterruptedException {
        long start = System.nanoTime();
        List<ListEntry> entries = list(remoteDir, true);
        LocalNames names = new LocalNames(localDir);
        List<Path> locals = new ArrayList<>(entries.size());
        long total = 0;
        for (ListEntry e : entries) {
            locals.add(names.resolve(e.path()));        // every name checked before anything is written
            if (e.kind() == ListEntry.Kind.FILE) {
                total += e.size();
            }
        }
        try {
            Files.createDirectories(localDir);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot create " + localDir + ": " + e, e);
        }
        String prefix = remoteDir.isEmpty() || remoteDir.endsWith("/") ? remoteDir : remoteDir + '/';
        List<String> skipped = new ArrayList<>();
        TreeProgress tree = new TreeProgress(progress, total);
        int files = 0;
        long bytes = 0;
        try {
            for (int i = 0; i < entries.size(); i++) {
                ListEntry e = entries.get(i);
                Path local = locals.get(i);
                switch (e.kind()) {
                    case DIRECTORY -> {
                        names.checkParents(local, e.path());
                        makeDirectory(local);
                    }
                    case FILE -> {
                        names.checkParents(local, e.path());    // just before the partial file is opened
                        TransferResult r = fetchAs(prefix + e.path(), local, tree.next(e.size()), false);
                        files++;
                        bytes += r.bytes();
                    }
                    default -> skipped.add(e.path() + (e.kind() == ListEntry.Kind.OTHER
                            ? " (not a regular file)" : " (a link that leaves the server's root, or to a directory)"));
                }
            }
        } finally {
            progress.finish();
        }
        return new TreeResult(localDir, files, bytes, System.nanoTime() - start, List.copyOf(skipped));
    }

    private static void makeDirectory(Path dir) throws ClientException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new ClientException(ClientException.Kind.LOCAL,
                        "destination exists and is not a directory: " + dir);
            }
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot create " + dir + ": " + e, e);
        }
    }

    /** What {@link #fetchTree} fetched. */
    public record TreeResult(Path directory, int files, long bytes, long nanos, List<String> skipped) {
    }

    /** One progress for a tree: each file's progress moves the one total. */
    private static final class TreeProgress {
        private final Progress outer;
        private long done;

        TreeProgress(Progress outer, long total) {
            this.outer = outer;
            outer.start(total);
        }

        Progress next(long size) {
            long base = done;
            done += size;
            return new Progress() {
                @Override
                public void update(long received) {
                    outer.update(base + received);
                }

                @Override
                public void note(String message) {
                    outer.note(message);
                }
            };
        }
    }

    private void connect() throws ClientException, InterruptedException {
        channel = connector.connect(server, options.connectTimeout(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                FileFetcher.addCodec(c, options);
            }
        });
        connections++;
        answeredHere = 0;
    }

    /**
     * Sends one request and waits for its answer; when the connection had answered before and now closed without a
     * byte of an answer (a server that closes after each answer), once more on a new connection.
     */
    private <T> T run(SessionRequest<T> handler, String what) throws ClientException, InterruptedException {
        if (channel == null || !channel.isActive()) {
            connect();
        }
        afterActiveCheck.run();
        boolean reused = answeredHere > 0;
        try {
            T answer = exchange(handler, what);
            answeredHere++;
            return answer;
        } catch (ClientException e) {
            if (keepsConnection(e)) {
                answeredHere++;
            }
            if (!reused || !handler.unanswered()) {
                throw e;
            }
            // the old connection's last events reach the handler before its removal, not after rearm()
            if (!removal.awaitUninterruptibly(REMOVAL_WAIT_MILLIS) || !handler.rearm()) {
                throw e;
            }
        }
        connect();
        T answer = exchange(handler, what);
        answeredHere++;
        return answer;
    }

    private <T> T exchange(SessionRequest<T> handler, String what) throws ClientException, InterruptedException {
        Channel ch = channel;
        // one task on the event loop (not one hand-off per pipeline change): a fresh idle timer (the wait before this
        // request is no silence of the server's), then the handler, which sends its request as it is added. The
        // channel may have closed since run() looked (the close is handled on the event loop): then the handler is
        // not added, and fails as a close without an answer, which run() answers with one new connection.
        ch.eventLoop().execute(() -> {
            if (!ch.isActive() || ch.pipeline().get("idle") == null) {
                handler.closedBeforeSending();
                return;
            }
            try {
                ch.pipeline().replace("idle", "idle", new IdleStateHandler(options.readTimeout().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("request", handler);
            } catch (RuntimeException e) {
                handler.result().completeExceptionally(new ClientException(ClientException.Kind.PROTOCOL,
                        "unexpected failure: " + e, e));
            }
        });
        try {
            return await(handler, ch);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientException ce) {
                throw new ClientException(ce.kind(), ce.errorCode(), ce.getMessage() + " (" + what + " from "
                        + server.authority() + ')', ce.getCause());
            }
            throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(), e.getCause());
        } finally {
            // queued before the next request's task on the same event loop: no need to wait for it
            removal = ch.eventLoop().submit(() -> {
                if (ch.pipeline().context(handler) != null) {
                    ch.pipeline().remove(handler);
                }
            });
        }
    }

    /**
     * Waits for the handler's answer. While the connection is open its idle timer bounds every silence; a backstop
     * for what should not happen: once the connection is closed, the answer must come within one more period
     * (the read timeout plus a margin), or the request fails as interrupted. A caller never waits forever.
     */
    private <T> T await(SessionRequest<T> handler, Channel ch) throws ExecutionException, InterruptedException,
            ClientException {
        long period = Math.max(options.readTimeout().toMillis(), 1000) + BACKSTOP_MARGIN_MILLIS;
        boolean closedBefore = false;
        while (true) {
            try {
                return handler.result().get(period, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                if (ch.isActive()) {
                    closedBefore = false;
                } else if (closedBefore) {
                    throw new ClientException(ClientException.Kind.INTERRUPTED, "the connection closed and no "
                            + "answer came within " + period + " ms (expected: an answer or a failure)");
                } else {
                    closedBefore = true;
                }
            }
        }
    }

    /** Closes the connection and the session's event loop. */
    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        connector.close();
    }
}
