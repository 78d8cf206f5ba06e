package io.netlab.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the fetcher does to the user's files besides writing bytes: which destinations it may replace, names cut to
 * fit, and the mode of the installed file (the umask's, or the replaced file's). The partial file is
 * {@link PartialFile}'s.
 */
final class LocalFiles {
    /** The longest file name (one path component) in bytes on Linux file systems (NAME_MAX). */
    static final int NAME_MAX = 255;
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private static volatile Integer umask;

    private LocalFiles() {
    }

    /** A regular file (or a link to one) at the destination, and its permissions ({@code null} where not POSIX). */
    record Existing(Set<PosixFilePermission> mode) {
    }

    /**
     * Checks what is at {@code destination} now. Nothing: {@code null}. A regular file, or a symbolic link to one:
     * that file's permissions, which the new file keeps when it replaces it. Anything else (a directory, a FIFO, a
     * device, a socket, a dangling link) is refused, whether or not {@code --force} is given: netlab only ever
     * replaces regular files.
     */
    static Existing checkDestination(Path destination) throws IOException, ClientException {
        BasicFileAttributes own;
        try {
            own = Files.readAttributes(destination, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return null;
        }
        BasicFileAttributes target = own;
        if (own.isSymbolicLink()) {
            try {
                target = Files.readAttributes(destination, BasicFileAttributes.class);
            } catch (NoSuchFileException dangling) {
                throw notAFile(destination, "a symbolic link to nothing (" + Files.readSymbolicLink(destination) + ')');
            }
        }
        if (!target.isRegularFile()) {
            String what = kind(destination, target);
            throw notAFile(destination, own.isSymbolicLink() ? "a symbolic link to " + what : what);
        }
        try {
            return new Existing(Files.getPosixFilePermissions(destination));
        } catch (UnsupportedOperationException notPosix) {
            return new Existing(null);
        }
    }

    private static ClientException notAFile(Path destination, String what) {
        return new ClientException(ClientException.Kind.LOCAL, "destination: " + destination + " is " + what
                + " (expected: a regular file or a symbolic link to one; netlab-client never replaces anything else)");
    }

    /** "a directory", "a FIFO", "a character device", ... (from the file type bits where the JDK shows them). */
    private static String kind(Path p, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode") & 0170000;
            switch (type) {
                case 0010000: return "a FIFO";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException | ClassCastException e) {
            // no unix view here: say it generally
        }
        return "not a regular file";
    }

    private static String hex8(ThreadLocalRandom random) {
        return Long.toHexString(0x1_0000_0000L | random.nextInt() & 0xFFFF_FFFFL).substring(1);
    }

    /** The longest prefix of {@code s} whose UTF-8 form has at most {@code maxBytes} bytes (whole characters only). */
    static String truncate(String s, int maxBytes) {
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                return s.substring(0, i);
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s;
    }

    /**
     * The permissions a new file gets here, as cp or curl would give it: rw-rw-rw- less the process's umask. The umask
     * comes from {@code /proc/self/status} (Linux 4.7 and later); elsewhere, from a probe file created in {@code dir}
     * with the default permissions and deleted at once.
     */
    static Set<PosixFilePermission> defaultMode(Path dir) throws IOException {
        Integer mask = umask;
        if (mask == null) {
            mask = procUmask();
            if (mask == null) {
                return probe(dir);
            }
            umask = mask;
        }
        return fromBits(0666 & ~mask);
    }

    private static Integer procUmask() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
            for (String line : status) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).strip(), 8) & 0777;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall back on the probe
        }
        return null;
    }

    private static Set<PosixFilePermission> probe(Path dir) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(".netlab-mode-probe." + hex8(random));
            try {
                Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
                continue;
            }
            try {
                return Files.getPosixFilePermissions(p);
            } finally {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The permissions of the low nine bits of {@code mode}. */
    static Set<PosixFilePermission> fromBits(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & 1 << bit) != 0) {
                set.add(BITS[bit]);
            }
        }
        return set;
    }
}
