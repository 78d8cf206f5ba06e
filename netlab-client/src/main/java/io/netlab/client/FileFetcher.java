package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileRequest;
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
import java.nio.file.attribute.PosixFilePermissions;
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
     * directory, the file is saved in it under the remote file's name.
     *
     * @throws ClientException      with a one-line message for the user, whatever went wrong
     * @throws InterruptedException when the calling thread is interrupted (the temporary file is removed)
     */
    public static TransferResult fetch(Endpoint server, String remotePath, Path local, FetchOptions options,
                                       Progress progress) throws ClientException, InterruptedException {
        long start = System.nanoTime();
        Path destination = destination(local, remotePath);
        if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS) && !options.force()) {
            throw new ClientException(ClientException.Kind.LOCAL,
                    "destination exists: " + destination + " (use --force to replace it)");
        }
        Path dir = destination.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new ClientException(ClientException.Kind.LOCAL, "destination directory does not exist: " + dir);
        }
        Path temp;
        try {
            temp = createTemp(dir, destination.getFileName().toString());
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
            byte[] digestValue;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE);
                 Connector connector = new Connector(options.transport())) {
                digestValue = receive(connector, server, remotePath, out, options, progress);
            } catch (IOException e) {
                throw new ClientException(ClientException.Kind.LOCAL, "local disk error: " + reason(e), e);
            } finally {
                progress.finish();
            }
            long size = Files.size(temp);
            install(temp, destination, options.force());
            kept = true;
            return new TransferResult(destination, size, System.nanoTime() - start, options.digest(),
                    DigestAlgorithm.hex(digestValue));
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

    /** Moves the verified temporary file to the destination, atomically. */
    static void install(Path temp, Path destination, boolean force) throws IOException, ClientException {
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
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

    /**
     * Creates {@code .NAME.XXXXXXXX.part} in {@code dir}, readable by the owner only until it is installed.
     * (Files.createTempFile would do, but it initialises SecureRandom and the security providers, a sixth of a
     * one-shot fetch's start-up; an unguessable name is not needed, only a fresh one, which CREATE_NEW ensures.)
     */
    static Path createTemp(Path dir, String name) throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve('.' + name + '.' + Long.toHexString(random.nextLong() & 0xFFFFFFFFL) + ".part");
            try {
                return Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            } catch (UnsupportedOperationException notPosix) {
                return Files.createFile(p);
            }
        }
    }

    /** The file to write: {@code local} itself, or the remote name inside it when it is a directory. */
    static Path destination(Path local, String remotePath) {
        if (Files.isDirectory(local)) {
            String name = remotePath.substring(remotePath.lastIndexOf('/') + 1);
            if (!name.isEmpty() && !name.equals(".") && !name.equals("..")) {
                return local.resolve(name);
            }
        }
        return local;
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getFile() + (f.getReason() != null ? ": " + f.getReason() : ": " + e.getClass().getSimpleName());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
