package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.PeerText;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The directory a file server serves, and the only gate between a requested path and the disk.
 * <p>Policy: a request is a relative, '/'-separated path. It is refused when it is empty, absolute
 * ({@code /x}, {@code C:/x}), holds a NUL or a backslash, an empty segment ({@code a//b}), a {@code ..} segment,
 * or a segment over 255 bytes. The path is then resolved with every symbolic link followed, and refused unless
 * the real path is still inside the root's real path: links that stay inside are served, links that lead out are
 * access violations. Only regular files are opened: directories, FIFOs, sockets and devices are refused before
 * any open (opening a FIFO would block). The last component is opened without following links, so it cannot be
 * swapped for a link between the check and the open.
 */
public final class FileRoot {
    private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("^[A-Za-z]:[/\\\\].*|^[A-Za-z]:$");
    private static final int MAX_SEGMENT_BYTES = 255;

    private final Path root;

    /**
     * @param dir the directory to serve
     * @throws IOException when it does not exist or is not a directory
     */
    public FileRoot(Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new NotDirectoryException(dir.toString());
        }
        this.root = real;
    }

    /** {@return the real path of the served directory} */
    public Path path() {
        return root;
    }

    /**
     * An open file, the size taken when it was opened, and what {@link #checkUnchanged()} compares against: as tar
     * does, the size, the modification time and (where the file system has one) the inode change time.
     */
    public static final class OpenFile {
        private final FileChannel channel;
        private final long size;
        private final Path path;
        private final String shown;
        private final Stamp opened;

        private OpenFile(FileChannel channel, long size, Path path, String shown) throws IOException {
            this.channel = channel;
            this.size = size;
            this.path = path;
            this.shown = shown;
            this.opened = Stamp.of(path, size);
        }

        /** {@return the open file; whoever sends it closes it} */
        public FileChannel channel() {
            return channel;
        }

        /** {@return the file's size when it was opened: the bytes a transfer sends} */
        public long size() {
            return size;
        }

        /** {@return the file's real path (for the server's own use: never sent to a client)} */
        public Path path() {
            return path;
        }

        /**
         * Checks that the file did not change since it was opened: same size (of the open file), and, while the path
         * still names the same file, the same modification time and inode change time. A file replaced by a rename
         * is not a change: the open file is the old one, intact.
         *
         * @throws IOException naming the file (as the client asked for it) and what changed; also when the
         *                     attributes cannot be read
         */
        public void checkUnchanged() throws IOException {
            long sizeNow = channel.size();
            Stamp now;
            try {
                now = Stamp.of(path, sizeNow);
            } catch (NoSuchFileException removed) {
                now = null;       // unlinked: the open file lives on, and its size was checked
            }
            List<String> changes = new ArrayList<>();
            if (sizeNow != size) {
                changes.add("size: " + size + " -> " + sizeNow);
            }
            if (now != null && Objects.equals(now.fileKey(), opened.fileKey())) {
                if (!now.modified().equals(opened.modified())) {
                    changes.add("modified: " + opened.modified() + " -> " + now.modified());
                } else if (opened.changed() != null && !opened.changed().equals(now.changed())) {
                    changes.add("inode changed: " + opened.changed() + " -> " + now.changed());
                }
            }
            if (!changes.isEmpty()) {
                throw new FileChangedException(shown + ": changed while being sent (" + String.join(", ", changes)
                        + "); fetch it again");
            }
        }
    }

    /** What identifies a file's content cheaply: inode, size, modification time, inode change time (or null). */
    private record Stamp(Object fileKey, long size, FileTime modified, FileTime changed) {
        static Stamp of(Path path, long size) throws IOException {
            try {
                Map<String, Object> a = Files.readAttributes(path, "unix:fileKey,lastModifiedTime,ctime",
                        LinkOption.NOFOLLOW_LINKS);
                return new Stamp(a.get("fileKey"), size, (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"));
            } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
                BasicFileAttributes b = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Stamp(b.fileKey(), size, b.lastModifiedTime(), null);
            }
        }
    }

    /** A file that changed while it was being sent; the message is the one sent to the client. */
    static final class FileChangedException extends IOException {
        private static final long serialVersionUID = 1L;

        FileChangedException(String message) {
            super(message);
        }
    }

    /**
     * Checks a requested path and opens the file it names.
     *
     * @param requested the path as the client sent it
     * @return the open file, which the caller closes
     * @throws FileAccessException with the code and message to send when the request is refused
     */
    public OpenFile open(String requested) throws FileAccessException {
        String shown = PeerText.escape(requested);
        Path real = resolveInside(requested, shown, "file");
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new FileAccessException(ErrorCode.IO_ERROR, shown + ": " + e.getMessage());
        }
        if (attrs.isDirectory()) {
            throw new FileAccessException(ErrorCode.NOT_A_FILE, shown + ": is a directory (expected: a regular file)");
        }
        if (!attrs.isRegularFile()) {
            throw new FileAccessException(ErrorCode.NOT_A_FILE,
                    shown + ": is not a regular file (a FIFO, socket or device; expected: a regular file)");
        }
        try {
            FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            try {
                return new OpenFile(ch, ch.size(), real, shown);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        } catch (AccessDeniedException e) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED, shown + ": permission denied on the server");
        } catch (IOException e) {
            throw new FileAccessException(ErrorCode.IO_ERROR, shown + ": " + reason(e));
        }
    }

    /**
     * Checks a path to be listed and resolves it: the empty path is the root itself; any other is checked as
     * {@link #open} checks a file's path, resolved with every link followed, and must stay inside the root.
     *
     * @param requested the path as the client sent it
     * @return the real path of the directory (or file) to list, inside the root
     * @throws FileAccessException with the code and message to send when the request is refused
     */
    Path listable(String requested) throws FileAccessException {
        if (requested.isEmpty()) {
            return root;
        }
        return resolveInside(requested, PeerText.escape(requested), "directory");
    }

    /**
     * Checks a requested path and resolves it, links followed, to a real path that must still lie inside the root.
     *
     * @param what what a missing path is called in the refusal: {@code "file"} or {@code "directory"}
     */
    private Path resolveInside(String requested, String shown, String what) throws FileAccessException {
        Path relative = check(requested);
        for (Path segment : relative) {
            if (Uploads.isTemporaryName(segment.toString())) {
                // an upload in progress (or cut): unverified bytes, never served
                throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": no such " + what + " on the server");
            }
        }
        Path real;
        try {
            real = root.resolve(relative).toRealPath();
        } catch (NoSuchFileException e) {
            throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": no such " + what + " on the server");
        } catch (AccessDeniedException e) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED, shown + ": permission denied on the server");
        } catch (FileSystemException e) {
            // e.g. "Not a directory" when a middle segment is a file, or a symlink loop
            throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": " + reason(e));
        } catch (IOException e) {
            throw new FileAccessException(ErrorCode.IO_ERROR, shown + ": " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED,
                    shown + ": a symbolic link leads outside the served directory");
        }
        for (Path segment : root.relativize(real)) {
            if (Uploads.isTemporaryName(segment.toString())) {
                // a link to an upload's temporary file
                throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": no such " + what + " on the server");
            }
        }
        return real;
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason().toLowerCase(java.util.Locale.ROOT) : e.toString();
    }

    /** Checks the syntax of a requested path; returns it as a relative path. */
    static Path check(String requested) throws FileAccessException {
        String shown = PeerText.escape(requested);
        if (requested.isEmpty()) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, "path: empty (expected: a file under the served directory)");
        }
        if (requested.indexOf('\0') >= 0) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, "path: " + shown + " contains a NUL character");
        }
        if (requested.startsWith("/") || WINDOWS_ABSOLUTE.matcher(requested).matches()) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED,
                    "path: " + shown + " is absolute (expected: a path relative to the served directory)");
        }
        if (requested.indexOf('\\') >= 0) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST,
                    "path: " + shown + " contains a backslash (expected: '/' as the separator)");
        }
        String[] segments = requested.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals("..")) {
                throw new FileAccessException(ErrorCode.ACCESS_DENIED,
                        "path: " + shown + " contains '..' (expected: a path inside the served directory)");
            }
            if (s.isEmpty() && i < segments.length - 1) {
                throw new FileAccessException(ErrorCode.BAD_REQUEST, "path: " + shown + " contains an empty segment");
            }
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new FileAccessException(ErrorCode.BAD_REQUEST,
                        "path: a segment is " + s.getBytes(StandardCharsets.UTF_8).length + " bytes long (expected: <= "
                                + MAX_SEGMENT_BYTES + ')');
            }
        }
        return Path.of("", segments);
    }
}
