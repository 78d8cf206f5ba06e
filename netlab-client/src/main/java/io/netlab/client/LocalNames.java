package io.netlab.client;

import io.netlab.codec.PeerText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns names a server sent into local paths, refusing every name that could write outside the local directory
 * or clobber another name of the same listing: empty, absolute ({@code /x}, {@code C:/x}), with a NUL, a backslash,
 * a control character, an empty, {@code .} or {@code ..} segment, a segment over 255 bytes or a path over 4096, and
 * a name that differs from an earlier one only by case (two files that a case-insensitive file system would make
 * one). The checks do not trust the codec's own (a server is whatever answers on the port), and the resolved path
 * must still lie under the directory. One instance per tree: it remembers the names it has seen.
 */
final class LocalNames {
    private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("^[A-Za-z]:(/.*)?$");
    static final int MAX_SEGMENT_BYTES = 255;
    static final int MAX_PATH_BYTES = 4096;

    private final Path dir;
    private final Map<String, String> seen = new HashMap<>();

    /** @param dir the local directory every name is resolved in */
    LocalNames(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The local path of a name the server sent.
     *
     * @throws ClientException (a protocol error) naming the name and what is wrong with it
     */
    Path resolve(String name) throws ClientException {
        String problem = problem(name);
        if (problem == null) {
            String key = name.toLowerCase(Locale.ROOT);
            String earlier = seen.putIfAbsent(key, name);
            if (earlier != null) {
                problem = earlier.equals(name) ? "is listed twice"
                        : "differs from " + PeerText.escape(earlier) + " only by case";
            }
        }
        Path p = problem == null ? dir.resolve(name).normalize() : null;
        if (p != null && (!p.startsWith(dir) || p.equals(dir))) {
            problem = "leads outside " + dir;
        }
        if (problem != null) {
            throw new ClientException(ClientException.Kind.PROTOCOL, "unsafe name from the server: "
                    + PeerText.escape(name) + ' ' + problem + "; nothing was written");
        }
        return p;
    }

    /**
     * Checks, just before {@code local} (a path {@link #resolve} gave for {@code name}) is created or written, that
     * no segment above it is a symbolic link that leads outside the directory: a name is checked as text by
     * {@link #resolve}, but a link already in the destination (the user's, or one swapped in) would carry a write
     * through it. Each existing segment between the directory and {@code local} is looked at without following
     * links; a link must resolve (with every link after it) to a place inside the directory's real path. What is
     * left: a link swapped in between this check and the write (a local process racing the fetch; Java has no
     * openat with O_NOFOLLOW for each segment).
     *
     * @throws ClientException (a local error) naming the name and the link
     */
    void checkParents(Path local, String name) throws ClientException {
        Path parent = local.getParent();
        if (parent == null || parent.equals(dir)) {
            return;
        }
        Path root;
        try {
            root = dir.toRealPath();
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL, "cannot resolve " + dir + ": " + e, e);
        }
        Path p = dir;
        for (Path segment : dir.relativize(parent)) {
            p = p.resolve(segment);
            if (Files.isSymbolicLink(p)) {
                Path target;
                try {
                    target = p.toRealPath();
                } catch (IOException e) {
                    target = null;      // a dangling link or a loop: it leads nowhere inside
                }
                if (target == null || !target.startsWith(root)) {
                    throw new ClientException(ClientException.Kind.LOCAL, PeerText.escape(name)
                            + ": a symbolic link in the destination (" + p + ") leads outside it (expected: "
                            + "a directory inside " + dir + "; nothing is written through it)");
                }
            } else if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return;                 // nothing below exists: nothing to follow
            }
        }
    }

    /** What is wrong with a name, or null. */
    static String problem(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return "contains a NUL character";
            }
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character";
            }
        }
        if (name.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (name.startsWith("/") || WINDOWS_ABSOLUTE.matcher(name).matches()) {
            return "is absolute";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            return "is longer than " + MAX_PATH_BYTES + " bytes";
        }
        for (String s : name.split("/", -1)) {
            if (s.isEmpty()) {
                return "contains an empty segment";
            }
            if (s.equals(".") || s.equals("..")) {
                return "contains a '" + s + "' segment";
            }
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "has a segment longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }
}
