package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.file.FileFrameDecoder;
import io.netlab.codec.file.FileFrameEncoder;
import io.netlab.codec.file.FileRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
            temp = Files.createTempFile(dir, "." + destination.getFileName() + '.', ".part");
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot write in " + dir + ": " + reason(e), e);
        }
        boolean kept = false;
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
            if (!kept) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // nothing more can be done; the name ends in .part and starts with a dot
                }
            }
        }
    }

    private static byte[] receive(Connector connector, Endpoint server, String remotePath, FileChannel out,
                                  FetchOptions options, Progress progress) throws ClientException, InterruptedException {
        FileRequest request = new FileRequest(remotePath, options.blockSize(), 0, options.digest());
        long readTimeout = options.readTimeout().toSeconds();
        FileClientHandler handler = new FileClientHandler(request, out, progress, readTimeout);
        Channel ch = connector.connect(server, options.connectTimeout(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                FileFrameDecoder decoder = FileFrameDecoder.forClient(options.blockSize());
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
    private static void install(Path temp, Path destination, boolean force) throws IOException, ClientException {
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
