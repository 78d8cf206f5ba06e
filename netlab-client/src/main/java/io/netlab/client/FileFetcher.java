package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileRequest;
import io.netlab.codec.PeerText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a file from a netlab file server, safely: the bytes go to a hidden partial file beside the destination
 * ({@code .NAME.netlab-partial}), the size and digest are checked, and only then is the file renamed into place,
 * atomically. A failed or interrupted transfer never leaves a file at the destination, and an existing destination
 * is only replaced when asked to (and stays intact until the rename). An interrupted transfer (the connection lost
 * or silent, the server's refusal, Ctrl-C, SIGTERM, SIGKILL) leaves its partial file, which a fetch with
 * {@link FetchOptions#resume()} continues; any other fetch into the same destination discards it. The rules are in
 * {@link ResumeAttempt}.
 */
public final class FileFetcher {
    private FileFetcher() {
    }

    /**
     * Fetches {@code remotePath} from {@code server} into {@code local}. When {@code local} is an existing
     * directory, the file is saved in it under the remote file's name. Only a regular file (or a symbolic link to
     * one) is ever replaced, and only with {@link FetchOptions#force()}; the new file keeps the replaced file's
     * permissions, or gets those of the umask (rw-rw-rw- less the umask, as cp and curl give).
     *
     * @param server     the server's host and port
     * @param remotePath the file's path under the server's root
     * @param local      the destination file, or an existing directory to save it in
     * @param options    block size, digest, overwrite, timeouts, transport
     * @param progress   told of the transfer's progress, on the event loop ({@link Progress#NONE}: nothing)
     * @return what was fetched, how fast, and its verified digest
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the partial file is kept)
     */
    public static TransferResult fetch(Endpoint server, String remotePath, Path local, FetchOptions options,
                                       Progress progress) throws ClientException, InterruptedException {
        return fetchAs(server, remotePath, destination(local, remotePath), options, progress);
    }

    /**
     * Fetches {@code remotePath} into the directory {@code dir}, under the remote file's name (the command line's
     * {@code LOCAL_PATH} ending in '/'). Unlike {@link #fetch}, a {@code dir} that does not exist or is not a
     * directory is an error: no file is ever created where a directory was asked for.
     *
     * @param server     the server's host and port
     * @param remotePath the file's path under the server's root
     * @param dir        the existing directory to save the file in
     * @param options    block size, digest, overwrite, timeouts, transport
     * @param progress   told of the transfer's progress, on the event loop ({@link Progress#NONE}: nothing)
     * @return what was fetched, how fast, and its verified digest
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the partial file is kept)
     */
    public static TransferResult fetchInto(Endpoint server, String remotePath, Path dir, FetchOptions options,
                                           Progress progress) throws ClientException, InterruptedException {
        return fetchAs(server, remotePath, inDirectory(dir, remotePath), options, progress);
    }

    /**
     * Where a file fetched into the directory {@code dir} goes: there, under the remote name; an error when
     * {@code dir} does not exist or is not a directory, or when the remote path has no name to save under.
     */
    static Path inDirectory(Path dir, String remotePath) throws ClientException {
        if (!Files.isDirectory(dir)) {
            throw new ClientException(ClientException.Kind.LOCAL, Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                    ? "destination: " + dir + " is not a directory (expected: a directory, as the '/' after it says)"
                    : "destination directory does not exist: " + dir + '/');
        }
        String name = remoteName(remotePath);
        if (name == null) {
            throw new ClientException(ClientException.Kind.LOCAL, "remote path: " + PeerText.escape(remotePath)
                    + " has no file name to save under in " + dir + '/');
        }
        return dir.resolve(name);
    }

    private static TransferResult fetchAs(Endpoint server, String remotePath, Path destination, FetchOptions options,
                                          Progress progress) throws ClientException, InterruptedException {
        return fetchAs(server, remotePath, destination, options, progress, handler -> {
            try (Connector connector = new Connector(options.transport(), options.tls(), options.connectRetry())) {
                return receive(connector, server, remotePath, handler, options);
            }
        });
    }

    /** Runs one file transfer: sends the handler's request on a connection and waits for its verified digest. */
    @FunctionalInterface
    interface Exchange {
        byte[] run(FileClientHandler handler) throws ClientException, InterruptedException;
    }

    /**
     * A verified, atomic, resumable fetch into {@code destination} whose transfers go through {@code exchange} (a
     * new connection each, or a {@link FileSession}'s).
     */
    static TransferResult fetchAs(Endpoint server, String remotePath, Path destination, FetchOptions options,
                                  Progress progress, Exchange exchange) throws ClientException, InterruptedException {
        return fetchAs(server, remotePath, destination, options, progress, exchange, true);
    }

    /**
     * As {@link #fetchAs(Endpoint, String, Path, FetchOptions, Progress, Exchange)}; without {@code record}, a fresh
     * partial file gets no record beside it (it cannot be resumed, and costs one file fewer).
     */
    static TransferResult fetchAs(Endpoint server, String remotePath, Path destination, FetchOptions options,
                                  Progress progress, Exchange exchange, boolean record)
            throws ClientException, InterruptedException {
        long start = System.nanoTime();
        Path dir = checkDestination(destination, options);
        PartialFile partial;
        try {
            partial = PartialFile.open(destination);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot write in " + dir + ": " + reason(e), e);
        }
        boolean installed = false;
        boolean keep = false;
        // Ctrl-C or SIGTERM in the middle: the partial file stays for --continue (an empty one goes)
        Thread onExit = new Thread(partial::keepIfNotEmpty, "netlab-keep-partial");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            ResumeAttempt attempt = ResumeAttempt.plan(partial, destination, server, remotePath, options, progress);
            if (!record) {
                attempt.withoutRecord();
            }
            while (true) {
                try {
                    byte[] digestValue = receiveInto(partial, attempt, remotePath, options, progress, exchange);
                    long size = partial.length();
                    install(partial.path(), destination, dir, options.force());
                    installed = true;
                    partial.deleteMetadata();
                    return new TransferResult(destination, size, System.nanoTime() - start, options.digest(),
                            DigestAlgorithm.hex(digestValue), attempt.offset());
                } catch (ClientException e) {
                    ResumeAttempt next = attempt.startOverAfter(e);
                    if (next == null) {
                        throw e;
                    }
                    attempt = next;
                }
            }
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "local disk error: " + reason(e), e);
        } catch (ClientException e) {
            keep = ResumeAttempt.keeps(e, partial);
            throw keep ? ResumeAttempt.withKeptPartial(e, partial) : e;
        } catch (InterruptedException e) {
            keep = true;        // as with Ctrl-C: what is on disk is good, and it has its metadata
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run
            }
            if (!installed) {
                if (keep) {
                    partial.keepIfNotEmpty();
                } else {
                    partial.delete();
                }
            }
            partial.close();
        }
    }

    /**
     * What every fetch into a file checks first: what is at {@code destination} must be nothing, or (with
     * {@link FetchOptions#force()}) a regular file or a link to one, and its directory must exist.
     *
     * @return the destination's directory
     */
    private static Path checkDestination(Path destination, FetchOptions options) throws ClientException {
        LocalFiles.Existing existing;
        try {
            existing = LocalFiles.checkDestination(destination);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot check the destination: " + reason(e), e);
        }
        if (existing != null && !options.force()) {
            throw new ClientException(ClientException.Kind.LOCAL,
                    "destination exists: " + destination + " (use --force to replace it)");
        }
        Path dir = destination.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new ClientException(ClientException.Kind.LOCAL, "destination directory does not exist: " + dir);
        }
        return dir;
    }

    /** Receives a file into the open partial file: a raw transfer ({@link RawFetcher}). */
    @FunctionalInterface
    interface Receiver<T> {
        /** Writes the file to {@code out}; returns what the transfer tells about it (warnings). */
        T receive(FileChannel out) throws ClientException, InterruptedException, IOException;
    }

    /** A file installed by {@link #save}: its size, and what the receiver returned. */
    record Saved<T>(long size, T received) {
    }

    /**
     * The care for the user's files of a fetch that cannot resume (the raw dialect carries no offset): the same
     * destination checks, partial file and atomic install as a netlab fetch, but a failure, an interruption, Ctrl-C
     * or SIGTERM leave nothing behind, neither at the destination nor a partial file.
     *
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the partial file is removed)
     */
    static <T> Saved<T> save(Path destination, FetchOptions options, Progress progress, Receiver<T> receiver)
            throws ClientException, InterruptedException {
        Path dir = checkDestination(destination, options);
        PartialFile partial;
        try {
            partial = PartialFile.open(destination);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot write in " + dir + ": " + reason(e), e);
        }
        boolean installed = false;
        Thread onExit = new Thread(partial::delete, "netlab-remove-partial");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            T received;
            try {
                received = receiver.receive(partial.channel());
            } finally {
                progress.finish();
            }
            long size = partial.length();
            install(partial.path(), destination, dir, options.force());
            installed = true;
            partial.deleteMetadata();
            return new Saved<>(size, received);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "local disk error: " + reason(e), e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run
            }
            if (!installed) {
                partial.delete();
            }
            partial.close();
        }
    }

    /** One transfer into the partial file, from the attempt's offset; returns the verified digest. */
    private static byte[] receiveInto(PartialFile partial, ResumeAttempt attempt, String remotePath,
                                      FetchOptions options, Progress progress, Exchange exchange)
            throws ClientException, InterruptedException, IOException {
        FileChannel out = partial.channel();
        out.position(attempt.offset());
        FileRequest request = new FileRequest(remotePath, options.blockSize(), attempt.offset(), options.digest());
        FileClientHandler handler = new FileClientHandler(request, out, progress, options.readTimeout().toSeconds(),
                attempt.digestedToOffset(), attempt::checkHeader);
        attempt.handler(handler);
        try {
            return exchange.run(handler);
        } finally {
            progress.finish();
        }
    }

    /**
     * Fetches {@code remotePath} and writes it to {@code out} as it arrives (for {@code LOCAL_PATH} "-", standard
     * output). There is no temporary file here: on failure, what was written stays written, and only the exception
     * (and the client's exit code) says that it is incomplete.
     *
     * @param server     the server's host and port
     * @param remotePath the file's path under the server's root
     * @param out        where the bytes go, as they arrive
     * @param options    block size, digest, overwrite, timeouts, transport
     * @param progress   told of the transfer's progress, on the event loop ({@link Progress#NONE}: nothing)
     * @return what was fetched, how fast, and its verified digest
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException     when the calling thread is interrupted
     * @throws IllegalArgumentException when {@code options} ask to {@linkplain FetchOptions#resume() resume}
     */
    public static TransferResult fetchTo(Endpoint server, String remotePath, GatheringByteChannel out,
                                         FetchOptions options, Progress progress)
            throws ClientException, InterruptedException {
        if (options.resume()) {
            throw new IllegalArgumentException("options: resume (expected: no resume when writing to a channel, "
                    + "which leaves no partial file)");
        }
        long start = System.nanoTime();
        CountingChannel counting = new CountingChannel(out);
        byte[] digestValue;
        try (Connector connector = new Connector(options.transport(), options.tls(), options.connectRetry())) {
            FileRequest request = new FileRequest(remotePath, options.blockSize(), 0, options.digest());
            digestValue = receive(connector, server, remotePath,
                    new FileClientHandler(request, counting, progress, options.readTimeout().toSeconds()), options);
        } finally {
            progress.finish();
        }
        return new TransferResult(null, counting.count, System.nanoTime() - start, options.digest(),
                DigestAlgorithm.hex(digestValue));
    }

    /** Counts what goes through, so that the summary can say how much was written. */
    private static final class CountingChannel implements GatheringByteChannel {
        private final GatheringByteChannel out;
        long count;

        CountingChannel(GatheringByteChannel out) {
            this.out = out;
        }

        @Override
        public long write(java.nio.ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = out.write(srcs, offset, length);
            count += n;
            return n;
        }

        @Override
        public long write(java.nio.ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(java.nio.ByteBuffer src) throws IOException {
            int n = out.write(src);
            count += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static byte[] receive(Connector connector, Endpoint server, String remotePath, FileClientHandler handler,
                                  FetchOptions options) throws ClientException, InterruptedException {
        Channel ch = connector.connect(server, options.connectTimeout(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                addCodec(c, options);
                c.pipeline().addLast("file-handler", handler);
            }
        });
        try {
            return await(handler.result(), remotePath, server);
        } finally {
            ch.close().awaitUninterruptibly();
        }
    }

    /** The client's idle timer and file codec, as every netlab connection of a fetch or a session has them. */
    static void addCodec(SocketChannel c, FetchOptions options) {
        // data frames that arrive together come as one run: the lab's 1 KiB blocks cost no message each
        FileFrameDecoder decoder = FileFrameDecoder.forClient(options.blockSize()).coalesceData(true);
        // keep received buffers as they are: the handler holds slices of them until they are written
        decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        c.pipeline().addLast("idle", new IdleStateHandler(options.readTimeout().toMillis(), 0, 0,
                TimeUnit.MILLISECONDS));
        c.pipeline().addLast("frame-decoder", decoder);
        c.pipeline().addLast("frame-encoder", FileFrameEncoder.INSTANCE);
    }

    /** Waits for a handler's result; a failure becomes the ClientException it carries, naming what was asked of whom. */
    static <T> T await(java.util.concurrent.CompletableFuture<T> result, String remotePath, Endpoint server)
            throws ClientException, InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ClientException ce) {
                throw new ClientException(ce.kind(), ce.errorCode(), ce.getMessage() + " (fetching " + remotePath
                        + " from " + server.authority() + ')', ce.getCause());
            }
            throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Moves the verified partial file to the destination, atomically, with the replaced file's permissions or
     * the umask's. What is at the destination is checked again first: only a regular file is ever replaced.
     */
    private static void install(Path temp, Path destination, Path dir, boolean force) throws IOException, ClientException {
        LocalFiles.Existing existing = LocalFiles.checkDestination(destination);
        try {
            Files.setPosixFilePermissions(temp, existing != null && existing.mode() != null ? existing.mode()
                    : LocalFiles.defaultMode(dir));
        } catch (UnsupportedOperationException notPosix) {
            // keep the default permissions
        }
        if (force) {
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        // a hard link never replaces: if something appeared at the destination meanwhile, we do not clobber it
        try {
            Files.createLink(destination, temp);
            Files.delete(temp);
        } catch (FileAlreadyExistsException e) {
            throw new ClientException(ClientException.Kind.LOCAL,
                    "destination appeared during the transfer: " + destination + " (use --force to replace it)", e);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof AccessDeniedException) {
                throw (AccessDeniedException) e;
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The file to write: {@code local} itself, or the remote name inside it when it is a directory. */
    static Path destination(Path local, String remotePath) {
        String name = remoteName(remotePath);
        return name != null && Files.isDirectory(local) ? local.resolve(name) : local;
    }

    /** The last component of {@code remotePath}, or null when there is none to save a file under. */
    private static String remoteName(String remotePath) {
        String name = remotePath.substring(remotePath.lastIndexOf('/') + 1);
        return name.isEmpty() || name.equals(".") || name.equals("..") ? null : name;
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getFile() + (f.getReason() != null ? ": " + f.getReason() : ": " + e.getClass().getSimpleName());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
