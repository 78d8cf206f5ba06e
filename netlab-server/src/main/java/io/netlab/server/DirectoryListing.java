package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrame;
import io.netlab.codec.ListEnd;
import io.netlab.codec.ListEntry;
import io.netlab.codec.ListRequest;
import io.netlab.codec.PeerText;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A listing as the {@code ChunkedWriteHandler} pulls it (docs/protocol.md, section 3b): one {@link ListEntry} per
 * chunk, while the channel is writable, then a {@link ListEnd}. It holds one open directory iterator per level of
 * the tree it is in, never the listing itself, so its memory does not grow with the number of entries. Nothing
 * outside the root is ever read: a link is resolved and, unless it names a regular file inside the root, listed as
 * {@link ListEntry.Kind#SKIPPED} and never followed (a link to a directory neither: a listing cannot loop); a
 * recursive listing descends only into real directories. A name the protocol cannot carry (a backslash, a segment
 * over 255 bytes, a path over 4096) is left out with a log line. Past {@code maxEntries} entries, or when the
 * directory cannot be read any more, the last chunk is an ERROR ({@link #failed()}: the connection then closes).
 */
final class DirectoryListing implements ChunkedInput<FileFrame> {
    private static final Logger logger = LoggerFactory.getLogger(DirectoryListing.class);

    /** One level of the walk: an open directory, its iterator, and the path of its entries' parent. */
    private record Level(DirectoryStream<Path> stream, Iterator<Path> entries, String prefix) {
    }

    private final Path root;
    private final boolean recursive;
    private final long maxEntries;
    private final String shown;
    private final ChannelHandlerContext ctx;
    private final ArrayDeque<Level> levels = new ArrayDeque<>();
    private ListEntry single;
    private long sent;
    private boolean ended;
    private boolean failed;

    /**
     * @param root       the server's root (real path)
     * @param listed     the real path of what to list, inside the root
     * @param name       the last segment of the requested path: the name of a listed file's one entry
     * @param recursive  whether to walk the whole tree
     * @param maxEntries the most entries sent; one more is an ERROR(TOO_LARGE)
     * @param shown      the requested path, escaped, for log lines
     * @param ctx        the connection, for log lines
     * @throws FileAccessException when {@code listed} cannot be read
     */
    DirectoryListing(Path root, Path listed, String name, boolean recursive, long maxEntries, String shown,
                     ChannelHandlerContext ctx) throws FileAccessException {
        this.root = root;
        this.recursive = recursive;
        this.maxEntries = maxEntries;
        this.shown = shown;
        this.ctx = ctx;
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(listed, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new FileAccessException(ErrorCode.IO_ERROR, shown + ": " + e.getMessage());
        }
        if (!attrs.isDirectory()) {
            if (!attrs.isRegularFile()) {
                throw new FileAccessException(ErrorCode.NOT_A_FILE,
                        shown + ": is not a directory or a regular file (a FIFO, socket or device)");
            }
            try {
                single = new ListEntry(ListEntry.Kind.FILE, attrs.size(), attrs.lastModifiedTime().toMillis(), name);
            } catch (IllegalArgumentException cannotCarry) {
                throw new FileAccessException(ErrorCode.BAD_REQUEST, shown + ": " + cannotCarry.getMessage());
            }
            return;
        }
        try {
            push(listed, "");
        } catch (IOException e) {
            throw new FileAccessException(e instanceof java.nio.file.AccessDeniedException ? ErrorCode.ACCESS_DENIED
                    : ErrorCode.IO_ERROR, shown + ": cannot read the directory on the server");
        }
    }

    /**
     * Checks a listing request (its flags, and its path through the {@link FileRoot}) and opens the listing.
     *
     * @throws FileAccessException with the code and message to send when the request is refused
     */
    static DirectoryListing open(FileRoot root, ListRequest request, long maxEntries, ChannelHandlerContext ctx)
            throws FileAccessException {
        if ((request.flags() & ~ListRequest.RECURSIVE) != 0) {
            throw new FileAccessException(ErrorCode.BAD_REQUEST, String.format(java.util.Locale.ROOT,
                    "flags: 0x%02x (expected: 0x00 or 0x01 RECURSIVE)", request.flags()));
        }
        String shown = PeerText.escape(request.path());
        String path = request.path();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new DirectoryListing(root.path(), root.listable(request.path()), path.substring(path.lastIndexOf('/') + 1),
                request.recursive(), maxEntries, shown.isEmpty() ? "/" : shown, ctx);
    }

    private void push(Path dir, String prefix) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        levels.push(new Level(stream, stream.iterator(), prefix));
    }

    /** {@return whether the listing ended with an ERROR instead of a LIST_END} */
    boolean failed() {
        return failed;
    }

    /** {@return the entries sent so far} */
    long sent() {
        return sent;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public void close() {
        while (!levels.isEmpty()) {
            closeQuietly(levels.pop().stream());
        }
    }

    @Deprecated
    @Override
    public FileFrame readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public FileFrame readChunk(ByteBufAllocator allocator) {
        if (ended) {
            return null;
        }
        if (single != null) {
            ListEntry entry = single;
            single = null;
            return count(entry);
        }
        try {
            while (!levels.isEmpty()) {
                Level level = levels.peek();
                if (!level.entries().hasNext()) {
                    closeQuietly(levels.pop().stream());
                    continue;
                }
                ListEntry entry = entry(level.entries().next(), level.prefix());
                if (entry != null) {
                    return count(entry);
                }
            }
        } catch (DirectoryIteratorException e) {
            logger.warn("{} listing {} failed: {}", ClientAddress.of(ctx.channel()), shown, e.getCause().toString());
            return fail(ErrorCode.IO_ERROR, shown + ": reading the directory failed on the server: "
                    + e.getCause().getMessage());
        }
        ended = true;
        return new ListEnd(sent);
    }

    private FileFrame count(ListEntry entry) {
        if (sent == maxEntries) {
            return fail(ErrorCode.TOO_LARGE, "entries: " + (maxEntries + 1) + " (expected: <= " + maxEntries
                    + ", --max-list-entries)");
        }
        sent++;
        return entry;
    }

    private FileFrame fail(ErrorCode code, String message) {
        ended = true;
        failed = true;
        close();
        return new FileError(code, message);
    }

    /** The entry for one directory member, or null when its name cannot be sent. */
    private ListEntry entry(Path p, String prefix) {
        String name = p.getFileName().toString();
        if (Uploads.isTemporaryName(name)) {
            return null;        // an upload's temporary file or record: unverified, never listed (nor served)
        }
        String path = prefix + name;
        ListEntry.Kind kind;
        long size = 0;
        long modified = 0;
        Path descend = null;
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            modified = attrs.lastModifiedTime().toMillis();
            if (attrs.isSymbolicLink()) {
                kind = ListEntry.Kind.SKIPPED;
                try {
                    Path real = p.toRealPath();
                    BasicFileAttributes target = Files.readAttributes(real, BasicFileAttributes.class);
                    if (real.startsWith(root) && target.isRegularFile()
                            && !Uploads.isTemporaryName(real.getFileName().toString())) {
                        kind = ListEntry.Kind.FILE;
                        size = target.size();
                        modified = target.lastModifiedTime().toMillis();
                    }
                } catch (IOException broken) {
                    // a dangling link or a loop: skipped
                }
            } else if (attrs.isRegularFile()) {
                kind = ListEntry.Kind.FILE;
                size = attrs.size();
            } else if (attrs.isDirectory()) {
                kind = ListEntry.Kind.DIRECTORY;
                descend = recursive ? p : null;
            } else {
                kind = ListEntry.Kind.OTHER;
            }
        } catch (IOException e) {
            kind = ListEntry.Kind.SKIPPED;
        }
        ListEntry entry;
        try {
            entry = new ListEntry(kind, size, modified, path);
        } catch (IllegalArgumentException cannotCarry) {
            logger.info("{} listing {}: left out a name the protocol cannot carry: {}", ClientAddress.of(ctx.channel()),
                    shown, cannotCarry.getMessage());
            return null;
        }
        if (descend != null) {
            try {
                push(descend, path + '/');
            } catch (IOException e) {
                return new ListEntry(ListEntry.Kind.SKIPPED, 0, modified, path);    // may not be read
            }
        }
        return entry;
    }

    private static void closeQuietly(DirectoryStream<Path> stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // nothing was written
        }
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return sent;
    }
}
