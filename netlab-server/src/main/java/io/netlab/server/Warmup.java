package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileChunk;
import io.netlab.codec.FileConstants;
import io.netlab.codec.FileDataRun;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileRequest;
import io.netlab.codec.SendMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Warms a fresh process's request path before it serves anyone: a throwaway file server of the same transport
 * and send mode, on 127.0.0.1 and an ephemeral port, serving one small file from a private temporary directory,
 * answers two real requests over a socket (1 KiB blocks with CRC-32C: buffered runs; 1 MiB blocks without a digest:
 * sendfile under {@link SendMode#AUTO}), then stops, and the directory is deleted.
 * <p>
 * Without it, the first client of a just-started server waits for the server to load and initialise the classes
 * of its pipeline, buffers, codec, digest and log formatting (about 235 classes, tens of milliseconds); the
 * throwaway server runs exactly the same code, so the real one finds it loaded. Nothing is shared with the real
 * server but the JVM. Best effort: a failure (no loopback, no writable temporary directory) is reported to the
 * caller, which may ignore it; the warm-up never touches the real server's root.
 */
public final class Warmup {
    private static final int FILE_SIZE = 64 * 1024;
    private static final int TIMEOUT_MILLIS = 5000;

    private Warmup() {
    }

    /**
     * Runs the warm-up for a file server of this transport and send mode; returns when the throwaway server has
     * stopped. Takes a few tens of milliseconds.
     *
     * @param transport the real server's transport
     * @param sendMode  the real server's send mode
     * @throws IOException          when the warm-up could not run or its answer was not the expected one
     * @throws InterruptedException when interrupted
     */
    public static void fileServer(Transport transport, SendMode sendMode) throws IOException, InterruptedException {
        Path dir = privateDirectory();
        try {
            byte[] content = new byte[FILE_SIZE];
            ThreadLocalRandom.current().nextBytes(content);
            Files.write(dir.resolve("warmup.bin"), content);
            try (RunningServer server = FileServer.builder().root(dir).bind(InetAddress.getLoopbackAddress()).port(0)
                    .transport(transport).threads(1).sendMode(sendMode).shutdownGrace(Duration.ZERO)
                    .requestTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).start()) {
                fetch(server.localAddress(), new FileRequest("warmup.bin", FileConstants.DEFAULT_BLOCK_SIZE, 0,
                        DigestAlgorithm.CRC32C));
                fetch(server.localAddress(), new FileRequest("warmup.bin", 1024 * 1024, 0, DigestAlgorithm.NONE));
            }
        } finally {
            Files.deleteIfExists(dir.resolve("warmup.bin"));
            Files.deleteIfExists(dir);
        }
    }

    /** A new directory only this user can read, under java.io.tmpdir (named without SecureRandom: not a secret). */
    private static Path privateDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; ; attempt++) {
            Path dir = tmp.resolve("netlab-warmup-" + ProcessHandle.current().pid() + '-'
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                try {
                    return Files.createDirectory(dir,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException notPosix) {
                    return Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** One request over a plain blocking socket; checks that the whole file came back, ending with END. */
    private static void fetch(InetSocketAddress address, FileRequest request) throws IOException {
        EmbeddedChannel encoder = new EmbeddedChannel(FileFrameEncoder.INSTANCE);
        EmbeddedChannel decoder = new EmbeddedChannel(FileFrameDecoder.forClient(request.blockSize()));
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            encoder.writeOutbound(request);
            OutputStream out = socket.getOutputStream();
            for (Object o; (o = encoder.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                try {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    out.write(bytes);
                } finally {
                    b.release();
                }
            }
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long data = 0;
            boolean ended = false;
            for (int n; !ended && (n = in.read(buffer)) > 0; ) {
                decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
                for (Object frame; (frame = decoder.readInbound()) != null; ) {
                    try {
                        if (frame instanceof FileChunk c) {
                            data += c.content().readableBytes();
                        } else if (frame instanceof FileDataRun r) {
                            data += r.payloadBytes();
                        } else if (frame instanceof FileEnd e) {
                            ended = e.totalBytes() == FILE_SIZE && data == FILE_SIZE;
                        }
                    } finally {
                        ReferenceCountUtil.release(frame);
                    }
                }
            }
            if (!ended) {
                throw new IOException("warm-up: the throwaway server's answer to " + request + " was incomplete");
            }
        } finally {
            encoder.finishAndReleaseAll();
            decoder.finishAndReleaseAll();
        }
    }
}
