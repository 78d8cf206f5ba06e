package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;

/**
 * The partial file of a fetch: {@code .NAME.netlab-partial} beside the destination NAME, holding the file's first
 * bytes, and {@code .NAME.netlab-partial.meta}, a few lines saying what it is a part of (destination name, server,
 * remote path, remote size). Both names are the same for every fetch into one destination, so that the next run
 * finds them; NAME is cut (between characters) so that both fit in 255 bytes.
 * <p>Owning it means holding a lock on it ({@code fcntl}, released by the kernel even when the process is killed),
 * so two fetches into one destination never write the same partial file. The channel stays open, and the lock
 * held, until {@link #close()}: closing any other descriptor of the file would drop the lock.
 */
final class PartialFile implements AutoCloseable {
    static final String SUFFIX = ".netlab-partial";
    static final String META_SUFFIX = ".meta";
    /** '.' before the name, then the suffix and the metadata's suffix after it. */
    private static final int EXTRA = 1 + SUFFIX.length() + META_SUFFIX.length();
    private static final int FORMAT = 1;
    private static final int SCRATCH = 256 * 1024;

    private final Path path;
    private final Path meta;
    private final Path shown;
    private final FileChannel channel;
    private final FileLock lock;

    /** What a partial file is a part of, as its metadata records it. */
    record Metadata(String name, String server, String remotePath, long size) {
    }

    private PartialFile(Path path, Path shown, FileChannel channel, FileLock lock) {
        this.path = path;
        this.meta = path.resolveSibling(path.getFileName() + META_SUFFIX);
        this.shown = shown;
        this.channel = channel;
        this.lock = lock;
    }

    /** The partial file's name for a destination named {@code name}. */
    static String nameFor(String name) {
        return '.' + LocalFiles.truncate(name, LocalFiles.NAME_MAX - EXTRA) + SUFFIX;
    }

    /**
     * Opens the partial file of {@code destination}, creating it (rw-------) when there is none, and locks it. An
     * existing one is left as it is: the caller decides whether to continue it or {@linkplain #discard start over}.
     * A symbolic link or anything but a regular file at its name is refused.
     *
     * @throws IOException     when it cannot be created or opened
     * @throws ClientException when another fetch holds it
     */
    static PartialFile open(Path destination) throws IOException, ClientException {
        String name = nameFor(destination.getFileName().toString());
        Path path = destination.toAbsolutePath().getParent().resolve(name);
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            channel = FileChannel.open(path, options);
        }
        Path shown = destination.resolveSibling(name);
        boolean ok = false;
        try {
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                throw new ClientException(ClientException.Kind.LOCAL, "partial file: " + shown
                        + " is not a regular file (expected: a regular file or nothing; remove it)");
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new ClientException(ClientException.Kind.LOCAL, "another fetch into " + destination
                        + " is in progress (it holds " + shown + ')');
            }
            ok = true;
            return new PartialFile(path, shown, channel, lock);
        } finally {
            if (!ok) {
                channel.close();
            }
        }
    }

    /** Where it is (absolute). */
    Path path() {
        return path;
    }

    /** Its name as the user's destination was given, for messages. */
    Path shown() {
        return shown;
    }

    /** The open, locked file, to append to. */
    FileChannel channel() {
        return channel;
    }

    /** The bytes it holds. */
    long length() throws IOException {
        return channel.size();
    }

    /** What its metadata says, or {@code null} when there is none, or it cannot be read or understood. */
    Metadata metadata() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta, LinkOption.NOFOLLOW_LINKS)) {
            p.load(new StringReader(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8)));
            if (!String.valueOf(FORMAT).equals(p.getProperty("format"))) {
                return null;
            }
            long size = Long.parseLong(p.getProperty("size", "-1"));
            String name = p.getProperty("name");
            String remotePath = p.getProperty("path");
            if (size < 0 || name == null || remotePath == null) {
                return null;
            }
            return new Metadata(name, p.getProperty("server", ""), remotePath, size);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * Records what the partial file is a part of (before any of its bytes are written), in the format of
     * {@link Properties#store(java.io.Writer, String)} without the date line it adds: {@code Date.toString()} loads
     * the time-zone database and the locale data, about 25 ms of every one-shot fetch. {@link #metadata()} reads it
     * with {@link Properties#load(java.io.Reader)}.
     */
    void writeMetadata(Metadata m) throws IOException {
        StringBuilder text = new StringBuilder("#netlab-client: ");
        path.getFileName().toString().codePoints().forEach(c -> text.appendCodePoint(c < 0x20 || c == 0x7F ? '?' : c));
        text.append(" holds the first bytes of this file; 'netlab-client --continue' resumes it\n");
        property(text, "format", String.valueOf(FORMAT));
        property(text, "name", m.name());
        property(text, "server", m.server());
        property(text, "path", m.remotePath());
        property(text, "size", Long.toString(m.size()));
        Files.writeString(meta, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code key=value} and a line end, escaped as {@link Properties#store(java.io.Writer, String)} escapes them. */
    static void property(StringBuilder out, String key, String value) {
        out.append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        out.append('\n');
    }

    /** Empties it and forgets its metadata, to start over from byte 0. */
    void discard() throws IOException {
        channel.truncate(0);
        channel.position(0);
        Files.deleteIfExists(meta);
    }

    /** The running digest of its first {@code length} bytes, read back from the disk. */
    DigestAlgorithm.Digest digest(DigestAlgorithm algorithm, long length) throws IOException {
        DigestAlgorithm.Digest d = algorithm.newDigest();
        if (algorithm != DigestAlgorithm.NONE) {
            d.update(channel, 0, length, ByteBuffer.allocateDirect((int) Math.min(SCRATCH, Math.max(1, length))));
        }
        return d;
    }

    /** Removes it and its metadata (it stays locked until {@link #close()}). */
    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // its name says what it is; the next fetch into the same destination replaces it
        }
        deleteMetadata();
    }

    /** Removes the metadata only: once the file is installed, or when it has nothing to describe. */
    void deleteMetadata() {
        try {
            Files.deleteIfExists(meta);
        } catch (IOException ignored) {
            // an orphan is ignored and replaced by the next fetch into the same destination
        }
    }

    /**
     * What a process stopped by SIGINT or SIGTERM leaves: the partial file when it holds bytes (to continue with
     * {@code --continue}), nothing when it is empty.
     */
    void keepIfNotEmpty() {
        try {
            if (Files.size(path) == 0) {
                delete();
            }
        } catch (NoSuchFileException gone) {
            deleteMetadata();
        } catch (IOException ignored) {
            // the JVM is going away
        }
    }

    /** Releases the lock and closes the file; the file itself stays, or not, as the fetch left it. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was pending: every write went through the channel already
        }
    }
}
