package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.PutDone;
import io.netlab.codec.PutRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Uploads a file to a netlab file server started with {@code --writable} (docs/protocol.md, 3c): sends a PUT_REQUEST
 * with the file's size, the block size and the digest, then — after the server's PUT_READY — the file's bytes from
 * the offset the server names, and the digest of the whole file; the server verifies them, installs the file
 * atomically and answers PUT_DONE. The {@link FetchOptions} say how: {@link FetchOptions#blockSize()},
 * {@link FetchOptions#digest()} (not {@link DigestAlgorithm#NONE}: servers install only checked bytes),
 * {@link FetchOptions#force()} asks to replace an existing file (OVERWRITE), {@link FetchOptions#resume()} to continue
 * a cut upload from what the server kept (CONTINUE), and the timeouts, transport and TLS.
 * <pre>{@code
 * UploadResult r = FileUploader.upload(Endpoint.parse("localhost:9000", false), Path.of("report.pdf"),
 *         "inbox/report.pdf", FetchOptions.builder().blockSize(65536).build(), Progress.NONE);
 * }</pre>
 */
public final class FileUploader {
    /** The block size {@code netlab-client put} uses unless told otherwise: 64 KiB. */
    public static final int DEFAULT_BLOCK_SIZE = 64 * 1024;

    private FileUploader() {
    }

    /**
     * Uploads {@code local} to {@code remotePath} on {@code server}.
     *
     * @param server     the server's host and port
     * @param local      the file to send, a regular file
     * @param remotePath where it goes under the server's root; its directory must exist there
     * @param options    block size, digest, overwrite ({@code force}), continue ({@code resume}), timeouts, transport
     * @param progress   told of the upload's progress, on the event loop ({@link Progress#NONE}: nothing)
     * @return what was uploaded, how fast, and its verified digest
     * @throws ClientException          with a one-line message for the user, whatever went wrong
     * @throws InterruptedException     when the calling thread is interrupted (what the server received stays in
     *                                  its temporary file, for a later {@code resume})
     * @throws IllegalArgumentException when the digest is {@link DigestAlgorithm#NONE}
     */
    public static UploadResult upload(Endpoint server, Path local, String remotePath, FetchOptions options,
                                      Progress progress) throws ClientException, InterruptedException {
        return upload(server, local, remotePath, options, progress, 0);
    }

    /**
     * Uploads the regular files under {@code localDir} (a tree walk that follows no symbolic link) to
     * {@code remoteDir} on {@code server}, each at its relative path there, asking the server to create the missing
     * directories (MKDIRS); one connection per file, one progress for the whole. Symbolic links, FIFOs, sockets and
     * devices are skipped, each with a {@link Progress#note}; empty directories are not created. The first failure
     * stops it: the files before it are installed, each verified.
     *
     * @param server    the server's host and port
     * @param localDir  the directory to send
     * @param remoteDir where its files go under the server's root ({@code "."}: the root itself)
     * @param options   as for {@link #upload}; they apply to each file
     * @param progress  told of the whole upload's progress, all files together
     * @return one result per file, in the order they were sent
     * @throws ClientException          with a one-line message for the user, saying how many files were put
     * @throws InterruptedException     when the calling thread is interrupted
     * @throws IllegalArgumentException when the digest is {@link DigestAlgorithm#NONE}
     */
    public static java.util.List<UploadResult> uploadTree(Endpoint server, Path localDir, String remoteDir,
                                                          FetchOptions options, Progress progress)
            throws ClientException, InterruptedException {
        if (!Files.isDirectory(localDir)) {
            throw new ClientException(ClientException.Kind.LOCAL, "local directory: " + localDir
                    + " is not a directory (expected: a directory for put -r)");
        }
        java.util.List<Path> files = new java.util.ArrayList<>();
        long total = 0;
        try (java.util.stream.Stream<Path> walk = Files.walk(localDir)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                    total += Files.size(p);
                } else if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    progress.note("skipping " + p + ": " + (Files.isSymbolicLink(p) ? "a symbolic link"
                            : "not a regular file") + " (put -r sends regular files only)");
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot read " + localDir + ": " + e.getMessage(), e);
        }
        String base = remoteDir.endsWith("/") ? remoteDir : remoteDir + '/';
        java.util.List<UploadResult> results = new java.util.ArrayList<>();
        progress.start(total);
        long[] done = {0};
        Progress whole = new Progress() {
            @Override
            public void update(long received) {
                progress.update(done[0] + received);
            }

            @Override
            public void note(String message) {
                progress.note(message);
            }
        };
        try {
            for (Path file : files) {
                StringBuilder relative = new StringBuilder();
                for (Path segment : localDir.relativize(file)) {
                    relative.append(relative.length() == 0 ? "" : "/").append(segment);
                }
                try {
                    results.add(upload(server, file, base + relative, options, whole, PutRequest.MKDIRS));
                } catch (ClientException e) {
                    throw new ClientException(e.kind(), e.errorCode(), e.getMessage() + "; " + results.size() + " of "
                            + files.size() + " files were put before it", e.getCause());
                }
                done[0] += results.get(results.size() - 1).bytes();
                progress.update(done[0]);
            }
        } finally {
            progress.finish();
        }
        return results;
    }

    private static UploadResult upload(Endpoint server, Path local, String remotePath, FetchOptions options,
                                       Progress progress, int moreFlags) throws ClientException, InterruptedException {
        if (options.digest() == DigestAlgorithm.NONE) {
            throw new IllegalArgumentException("digest: none (expected: crc32c or sha256; a server installs only "
                    + "checked bytes)");
        }
        long start = System.nanoTime();
        FileChannel file;
        long size;
        try {
            if (Files.isDirectory(local)) {
                throw new ClientException(ClientException.Kind.LOCAL, "local file: " + local
                        + " is a directory (expected: a file; put -r sends a directory)");
            }
            if (Files.exists(local) && !Files.isRegularFile(local)) {
                // a FIFO would block the open, a device has no size
                throw new ClientException(ClientException.Kind.LOCAL, "local file: " + local
                        + " is not a regular file (a FIFO, socket or device; expected: a file)");
            }
            file = FileChannel.open(local, StandardOpenOption.READ);
            size = file.size();
        } catch (NoSuchFileException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "local file not found: " + local, e);
        } catch (AccessDeniedException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "local file: " + local + ": permission denied", e);
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot read " + local + ": " + e.getMessage(), e);
        }
        int flags = (options.force() ? PutRequest.OVERWRITE : 0) | (options.resume() ? PutRequest.CONTINUE : 0)
                | moreFlags;
        PutRequest request = new PutRequest(remotePath, size, options.blockSize(), options.digest(), flags);
        UploadClientHandler handler = new UploadClientHandler(request, file, progress, options.readTimeout().toSeconds());
        PutDone done;
        try (Connector connector = new Connector(options.transport(), options.tls(), options.connectRetry())) {
            Channel ch;
            try {
                ch = connector.connect(server, options.connectTimeout(), new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        // all-idle, watching the output: a long upload reads nothing, but its writes are progress
                        c.pipeline().addLast("idle", new IdleStateHandler(true, 0, 0,
                                options.readTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        c.pipeline().addLast("frame-decoder", FileFrameDecoder.forUploadClient());
                        c.pipeline().addLast("frame-encoder", FileFrameEncoder.INSTANCE);
                        c.pipeline().addLast("upload-handler", handler);
                        c.pipeline().addLast("chunked-writer", new ChunkedWriteHandler());
                    }
                });
            } catch (ClientException e) {
                closeQuietly(file);
                throw e;
            }
            try {
                done = handler.result().get();
            } catch (ExecutionException | CompletionException e) {
                if (e.getCause() instanceof ClientException ce) {
                    throw new ClientException(ce.kind(), ce.errorCode(), ce.getMessage() + " (uploading " + local
                            + " to " + server.authority() + ':' + remotePath + ')', ce.getCause());
                }
                throw new ClientException(ClientException.Kind.PROTOCOL, "unexpected failure: " + e.getCause(),
                        e.getCause());
            } finally {
                ch.close().awaitUninterruptibly();
            }
        } finally {
            progress.finish();
        }
        return new UploadResult(remotePath, done.size(), System.nanoTime() - start, done.digest(),
                DigestAlgorithm.hex(done.digestValue()), handler.offset());
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // read only
        }
    }
}
