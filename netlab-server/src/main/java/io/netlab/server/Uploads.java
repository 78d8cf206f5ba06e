package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.PeerText;
import io.netlab.codec.PutRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file server's uploads (docs/protocol.md, 3c): the policy ({@code --writable}, {@code --allow-overwrite},
 * {@code --max-upload}, {@code --min-free-space}), the checks of a {@link PutRequest} before any byte of data is
 * accepted, the in-memory claim that keeps two connections from uploading to one path at once, the hidden temporary
 * file {@code .NAME.netlab-upload} and its record {@code .NAME.netlab-upload.meta} (what CONTINUE compares), the
 * atomic install, and the removal of temporary files left for more than a day. One instance per server, shared by
 * its event loops; {@link UploadHandler} runs each upload.
 */
final class Uploads {
    private static final Logger logger = LoggerFactory.getLogger(Uploads.class);

    /** The temporary file's suffix: {@code .NAME.netlab-upload}. */
    static final String TEMP_SUFFIX = ".netlab-upload";
    /** Its record's suffix, after the temporary file's name. */
    static final String META_SUFFIX = ".meta";

    /**
     * {@return whether a file name is one of the server's hidden upload names, {@code .NAME.netlab-upload} or
     * {@code .NAME.netlab-upload.meta}: never listed, never served, never the target of a PUT}
     */
    static boolean isTemporaryName(String name) {
        return name.startsWith(".") && (name.endsWith(TEMP_SUFFIX) || name.endsWith(TEMP_SUFFIX + META_SUFFIX));
    }
    /** The default largest upload on a writable server: 1 GiB. */
    static final long DEFAULT_MAX_UPLOAD = 1L << 30;
    /** The default free space an upload must leave: 64 MiB. */
    static final long DEFAULT_MIN_FREE_SPACE = 64L << 20;
    /** The largest block an upload may use, whatever the client asks: the memory one upload holds is about this. */
    static final int MAX_UPLOAD_BLOCK = 1024 * 1024;
    /** Temporary files untouched for this long are removed. */
    static final Duration DEFAULT_STALE_AFTER = Duration.ofDays(1);
    private static final long SWEEP_EVERY_NANOS = Duration.ofHours(1).toNanos();
    private static final int MAX_SWEPT_DIRECTORIES = 4096;
    private static final int NAME_MAX = 255;

    /** What a server allows; {@link #READ_ONLY} unless started with {@code --writable}. */
    record Policy(boolean writable, boolean allowOverwrite, long maxUpload, long minFreeSpace, Duration staleAfter) {
        static final Policy READ_ONLY = new Policy(false, false, DEFAULT_MAX_UPLOAD, DEFAULT_MIN_FREE_SPACE,
                DEFAULT_STALE_AFTER);
    }

    private final FileRoot root;
    private final Policy policy;
    /** Target paths being uploaded to right now, each by one connection. */
    private final Set<Path> claimed = ConcurrentHashMap.newKeySet();
    /** When each directory was last swept for stale temporary files. */
    private final Map<Path, Long> swept = new ConcurrentHashMap<>();

    Uploads(FileRoot root, Policy policy) {
        this.root = root;
        this.policy = policy;
    }

    Policy policy() {
        return policy;
    }

    /** Where an accepted upload goes: the final name, its temporary file and record, and the name as shown. */
    record Target(Path path, Path temp, Path meta, String shown, boolean exists) {
    }

    /**
     * Checks a request against the policy and the disk, in the order of docs/protocol.md, and claims its path.
     *
     * @return the claimed target; the caller {@linkplain #release releases} it
     * @throws FileAccessException with the code and message to answer, nothing claimed
     */
    Target accept(PutRequest request, int maxBlockSize) throws FileAccessException {
        String shown = PeerText.escape(request.path());
        if (!policy.writable) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED, "server is read-only (started without --writable)");
        }
        if (request.digest() == DigestAlgorithm.NONE) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST,
                    "digest: none (expected: crc32c or sha256; the server installs only checked bytes)");
        }
        if (request.blockSize() < 1 || request.blockSize() > maxBlockSize) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, "blockSize: "
                    + Integer.toUnsignedString(request.blockSize()) + " (expected: 1.." + maxBlockSize + ')');
        }
        if (request.mkdirs()) {
            // nothing is created for an upload that would be refused for its size anyway
            if (request.size() > policy.maxUpload) {
                throw new FileAccessException(ErrorCode.TOO_LARGE, "size: " + request.size() + " (expected: <= "
                        + policy.maxUpload + ", --max-upload)");
            }
            makeParents(request.path(), shown);
        }
        Target target = resolve(request.path(), shown);
        if (!claimed.add(target.path())) {
            throw new FileAccessException(ErrorCode.BUSY, shown + ": another upload to it is in progress; try again later");
        }
        if (request.size() > policy.maxUpload) {
            release(target);
            throw new FileAccessException(ErrorCode.TOO_LARGE, "size: " + request.size() + " (expected: <= "
                    + policy.maxUpload + ", --max-upload)");
        }
        if (target.exists() && !(request.overwrite() && policy.allowOverwrite)) {
            release(target);
            throw new FileAccessException(ErrorCode.ALREADY_EXISTS, shown + ": exists on the server ("
                    + (request.overwrite() ? "this server does not replace files: started without --allow-overwrite"
                    : "expected: a new name, or put --overwrite") + ')');
        }
        return target;
    }

    /** Gives up the claim on a target's path. */
    void release(Target target) {
        claimed.remove(target.path());
    }

    /**
     * MKDIRS: creates the missing directories of the requested path, one segment at a time from the root, each
     * checked (links followed) to be a directory inside the root before the next is made in it; a segment that is a
     * link leading out, or a file, stops it. Directories get the umask's mode.
     */
    private void makeParents(String requested, String shown) throws FileAccessException {
        Path parent = FileRoot.check(requested).getParent();
        if (parent == null) {
            return;
        }
        Path dir = root.path();
        for (Path segment : parent) {
            Path next = dir.resolve(segment.toString());
            try {
                Files.createDirectory(next);
            } catch (FileAlreadyExistsException there) {
                // a directory, a link or a file: checked below
            } catch (AccessDeniedException e) {
                throw new FileAccessException(ErrorCode.ACCESS_DENIED, shown + ": permission denied on the server");
            } catch (IOException e) {
                throw new FileAccessException(ErrorCode.IO_ERROR, shown + ": cannot create a directory: " + reason(e));
            }
            Path real;
            try {
                real = next.toRealPath();
            } catch (IOException e) {
                throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": " + reason(e));
            }
            if (!real.startsWith(root.path())) {
                throw new FileAccessException(ErrorCode.ACCESS_DENIED,
                        shown + ": a symbolic link leads outside the served directory");
            }
            if (!Files.isDirectory(real)) {
                throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": a segment is not a directory on the server");
            }
            dir = real;
        }
    }

    /** Checks the requested path for an upload: syntax, a parent inside the root, and what is at the name now. */
    private Target resolve(String requested, String shown) throws FileAccessException {
        Path relative = FileRoot.check(requested);
        String name = relative.getFileName() == null ? "" : relative.getFileName().toString();
        if (requested.endsWith("/") || name.equals(".") || name.isEmpty()) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, "path: " + shown + " (expected: a file name at its end)");
        }
        if (name.endsWith(TEMP_SUFFIX) || name.endsWith(TEMP_SUFFIX + META_SUFFIX)) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, "path: " + shown
                    + " (expected: a name that does not end in " + TEMP_SUFFIX + ", kept for the server's temporary files)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length + 1 + TEMP_SUFFIX.length() + META_SUFFIX.length() > NAME_MAX) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, "path: the name is "
                    + name.getBytes(StandardCharsets.UTF_8).length + " bytes long (expected: <= "
                    + (NAME_MAX - 1 - TEMP_SUFFIX.length() - META_SUFFIX.length()) + " for an upload)");
        }
        Path parent = relative.getParent() == null ? root.path() : root.path().resolve(relative.getParent());
        Path realParent;
        try {
            realParent = parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": no such directory on the server"
                    + " (expected: an existing directory to put the file in)");
        } catch (AccessDeniedException e) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED, shown + ": permission denied on the server");
        } catch (IOException e) {
            throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": " + reason(e));
        }
        if (!realParent.startsWith(root.path())) {
            throw new FileAccessException(ErrorCode.ACCESS_DENIED,
                    shown + ": a symbolic link leads outside the served directory");
        }
        if (!Files.isDirectory(realParent)) {
            throw new FileAccessException(ErrorCode.NOT_FOUND, shown + ": a segment is not a directory on the server");
        }
        Path path = realParent.resolve(name);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            attrs = null;
        } catch (IOException e) {
            throw new FileAccessException(ErrorCode.IO_ERROR, shown + ": " + reason(e));
        }
        if (attrs != null && attrs.isSymbolicLink()) {
            Path real;
            try {
                real = path.toRealPath();
            } catch (IOException dangling) {
                real = null;
            }
            if (real == null || !real.startsWith(root.path())) {
                throw new FileAccessException(ErrorCode.ACCESS_DENIED,
                        shown + ": a symbolic link leads outside the served directory");
            }
            if (Files.isDirectory(real)) {
                throw new FileAccessException(ErrorCode.NOT_A_FILE, shown + ": is a directory (expected: a file name)");
            }
        } else if (attrs != null && attrs.isDirectory()) {
            throw new FileAccessException(ErrorCode.NOT_A_FILE, shown + ": is a directory (expected: a file name)");
        } else if (attrs != null && !attrs.isRegularFile()) {
            throw new FileAccessException(ErrorCode.NOT_A_FILE,
                    shown + ": is not a regular file (a FIFO, socket or device; expected: a file name)");
        }
        Path temp = realParent.resolve('.' + name + TEMP_SUFFIX);
        return new Target(path, temp, temp.resolveSibling(temp.getFileName() + META_SUFFIX), shown, attrs != null);
    }

    /**
     * The bytes a CONTINUE may keep: the temporary file's length when its record says it belongs to an upload of this
     * size and digest, else 0 (the caller then starts it over).
     */
    static long resumable(Target target, PutRequest request) {
        try {
            String record = Files.readString(target.meta(), StandardCharsets.UTF_8);
            if (!record.equals(record(request))) {
                return 0;
            }
            BasicFileAttributes a = Files.readAttributes(target.temp(), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() && a.size() <= request.size() && !linkedElsewhere(target.temp()) ? a.size() : 0;
        } catch (IOException | RuntimeException none) {
            return 0;
        }
    }

    /**
     * {@return whether a temporary file has another name too: left after an install whose removal of it failed, it
     * is the installed file, and must never be written into}
     */
    private static boolean linkedElsewhere(Path temp) {
        try {
            return ((Number) Files.getAttribute(temp, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() > 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknown) {
            return false;
        }
    }

    /** What the record of a temporary file says: enough to tell whether a CONTINUE belongs to it. */
    private static String record(PutRequest request) {
        return "netlab-upload 1\nsize " + request.size() + "\ndigest " + request.digest().name().toLowerCase(Locale.ROOT)
                + '\n';
    }

    /**
     * Opens the temporary file for writing from {@code offset} (0: emptied, and its record written anew), created
     * rw-rw-r-- less the umask: never world-writable, and the installed file keeps that mode.
     */
    static FileChannel openTemp(Target target, PutRequest request, long offset) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS);
        if (offset == 0) {
            // a fresh file, never one opened anew: a name left behind by an install may be the installed file
            Files.deleteIfExists(target.temp());
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(target.temp(), options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-r--")));
        } catch (UnsupportedOperationException notPosix) {
            ch = FileChannel.open(target.temp(), options);
        }
        try {
            if (offset == 0) {
                ch.truncate(0);
                Files.writeString(target.meta(), record(request), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
            ch.position(offset);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Removes a target's temporary file and its record. */
    static void discard(Target target) {
        for (Path p : new Path[] {target.temp(), target.meta()}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                logger.warn("cannot remove {}: {}", p, e.toString());
            }
        }
    }

    /**
     * Installs the verified temporary file under its final name, atomically, then removes its record. Without
     * {@code replace}, a hard link to the temporary file is made under the final name (which fails if anything is
     * there: nothing is ever replaced silently) and the temporary name removed; with it, a rename replaces the file.
     * A file system without hard links falls back on a rename after a check (a race of a few microseconds).
     *
     * @throws FileAlreadyExistsException when something appeared under the final name meanwhile
     */
    static void install(Target target, boolean replace) throws IOException {
        if (replace) {
            Files.move(target.temp(), target.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            try {
                Files.createLink(target.path(), target.temp());
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
                if (noHardLinks instanceof AccessDeniedException denied) {
                    throw denied;
                }
                if (Files.exists(target.path(), LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(target.path().toString());
                }
                Files.move(target.temp(), target.path(), StandardCopyOption.ATOMIC_MOVE);
                removeLeftover(target.meta());
                syncDirectory(target.path().getParent());
                return;
            }
            // installed: the verified file is under its final name. A temporary name that cannot be removed now
            // does not undo that (the answer stays PUT_DONE); it is hidden, and the sweep removes it later.
            removeLeftover(target.temp());
        }
        removeLeftover(target.meta());
        syncDirectory(target.path().getParent());
    }

    /** Removes a temporary name after the install; a failure is logged, the install stands. */
    private static void removeLeftover(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            logger.warn("installed, but cannot remove {}: {} (hidden; swept later)", p, e.toString());
        }
    }

    /** Makes the new name durable (fsync of the directory), where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // not on every platform: the rename is atomic anyway
        }
    }

    /**
     * Removes the temporary files (and records) in the target's directory that were left untouched for more than a
     * day (the policy's {@code staleAfter}) and are not being written now; each directory at most once an hour.
     */
    void sweep(Path dir) {
        long now = System.nanoTime();
        Long last = swept.get(dir);
        if (last != null && now - last < SWEEP_EVERY_NANOS) {
            return;
        }
        if (swept.size() >= MAX_SWEPT_DIRECTORIES) {
            swept.clear();
        }
        swept.put(dir, now);
        FileTime before = FileTime.fromMillis(System.currentTimeMillis() - policy.staleAfter.toMillis());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> isTemporaryName(p.getFileName().toString()))) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                String temp = n.endsWith(META_SUFFIX) ? n.substring(0, n.length() - META_SUFFIX.length()) : n;
                String target = temp.substring(1, temp.length() - TEMP_SUFFIX.length());
                if (claimed.contains(dir.resolve(target))) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.lastModifiedTime().compareTo(before) < 0) {
                    Files.deleteIfExists(p);
                    logger.info("removed a stale upload's temporary file {} (untouched since {})",
                            root.path().relativize(p), a.lastModifiedTime());
                }
            }
        } catch (IOException | RuntimeException e) {
            logger.debug("cannot sweep {} for stale uploads: {}", dir, e.toString());
        }
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null
                ? f.getReason().toLowerCase(Locale.ROOT) : e.toString();
    }
}
