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
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a file from a netlab file server, safely: the bytes go to a hidden temporary file beside the destination,
 * the size and digest are checked, and only then is the file renamed into place, atomically. A failed or
 * interrupted transfer never leaves a file at the destination, and an existing destination is only replaced when
 * asked to (and stays intact until the rename).
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
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the temporary file is removed)
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
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the temporary file is removed)
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
        long start = System.nanoTime();
        Saved<byte[]> saved = save(destination, options, progress, out -> {
            try (Connector connector = new Connector(options.transport())) {
                return receive(connector, server, remotePath, out, options, progress);
            }
        });
        return new TransferResult(destination, saved.size(), System.nanoTime() - start, options.digest(),
                DigestAlgorithm.hex(saved.received()));
    }

    /** Receives a file into the open temporary file: a netlab transfer, or a raw one ({@link RawFetcher}). */
    @FunctionalInterface
    interface Receiver<T> {
        /** Writes the file to {@code out}; returns what the transfer tells about it (a digest, warnings). */
        T receive(FileChannel out) throws ClientException, InterruptedException, IOException;
    }

    /** A file installed by {@link #save}: its size, and what the receiver returned. */
    record Saved<T>(long size, T received) {
    }

    /**
     * The care for the user's files that every fetch takes, whatever the dialect: what is at {@code destination}
     * must be nothing, or (with {@link FetchOptions#force()}) a regular file or a link to one; the bytes go to a
     * hidden temporary file beside it, whose name fits wherever the final name fits; once the receiver has returned,
     * the file is renamed into place, atomically, with the replaced file's permissions or the umask's. A failure, an
     * interruption, Ctrl-C or SIGTERM leave nothing at the destination, and no temporary file.
     *
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the temporary file is removed)
     */
    static <T> Saved<T> save(Path destination, FetchOptions options, Progress progress, Receiver<T> receiver)
            throws ClientException, InterruptedException {
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
        Path temp;
        try {
            temp = LocalFiles.createTemp(dir, destination.getFileName().toString());
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot write in " + dir + ": " + reason(e), e);
        }
        boolean kept = false;
        // Ctrl-C or SIGTERM in the middle: remove the partial file on the way out (SIGKILL leaves only the .part)
        Path partial = temp;
        Thread cleanUp = new Thread(() -> {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the JVM is going away; the .part name says what it is
            }
        }, "netlab-remove-partial");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            T received;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                received = receiver.receive(out);
            } catch (IOException e) {
                throw new ClientException(ClientException.Kind.LOCAL, "local disk error: " + reason(e), e);
            } finally {
                progress.finish();
            }
            long size = Files.size(temp);
            install(temp, destination, dir, options.force());
            kept = true;
            return new Saved<>(size, received);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "local disk error: " + reason(e), e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run
            }
            if (!kept) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // nothing more can be done; the name ends in .part and starts with a dot
                }
            }
        }
    }

    /**
     * Fetches {@code remotePath} and writes it to {@code out} as it arrives (for {@code LOCAL_PATH} "-", standard
     * output). There is no temporary file here: on failure, what was written stays written, and only the exception
     * (and the client's exit code) says that it is incomplete.
     *
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static TransferResult fetchTo(Endpoint server, String remotePath, GatheringByteChannel out,
                                         FetchOptions options, Progress progress)
            throws ClientException, InterruptedException {
        long start = System.nanoTime();
        CountingChannel counting = new CountingChannel(out);
        byte[] digestValue;
        try (Connector connector = new Connector(options.transport())) {
            digestValue = receive(connector, server, remotePath, counting, options, progress);
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

    private static byte[] receive(Connector connector, Endpoint server, String remotePath, GatheringByteChannel out,
                                  FetchOptions options, Progress progress) throws ClientException, InterruptedException {
        FileRequest request = new FileRequest(remotePath, options.blockSize(), 0, options.digest());
        long readTimeout = options.readTimeout().toSeconds();
        FileClientHandler handler = new FileClientHandler(request, out, progress, readTimeout);
        Channel ch = connector.connect(server, options.connectTimeout(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                // data frames that arrive together come as one run: the lab's 1 KiB blocks cost no message each
                FileFrameDecoder decoder = FileFrameDecoder.forClient(options.blockSize()).coalesceData(true);
                // keep received buffers as they are: the handler holds slices of them until they are written
                decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
                c.pipeline().addLast("idle", new IdleStateHandler(options.readTimeout().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS));
                c.pipeline().addLast("frame-decoder", decoder);
                c.pipeline().addLast("frame-encoder", FileFrameEncoder.INSTANCE);
                c.pipeline().addLast("file-handler", handler);
            }
        });
        try {
            return handler.result().get();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ClientException ce) {
                throw new ClientException(ce.kind(), ce.getMessage() + " (fetching " + remotePath + " from "
                        + server.authority() + ')', ce.getCause());
            }
            throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(), e.getCause());
        } finally {
            ch.close().awaitUninterruptibly();
        }
    }

    /**
     * Moves the verified temporary file to the destination, atomically, with the replaced file's permissions or
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
