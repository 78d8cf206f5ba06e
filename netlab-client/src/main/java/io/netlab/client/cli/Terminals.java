package io.netlab.client.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which standard streams are terminals. {@code System.console()} is not enough: it exists only when standard input
 * and output both are terminals, so {@code netlab-client ... - | tar x} would never show a progress bar on the
 * terminal standard error still is. On Linux the answer is where {@code /proc/self/fd/N} points.
 */
final class Terminals {
    static final int STDOUT = 1;
    static final int STDERR = 2;

    private static final Path FDS = Path.of("/proc/self/fd");

    private Terminals() {
    }

    /** {@return whether file descriptor {@code fd} of this process is a terminal} */
    static boolean isTerminal(int fd) {
        if (!Files.isDirectory(FDS)) {
            return System.console() != null;    // no /proc: the JDK's answer (standard input and output are terminals)
        }
        return isTerminal(FDS.resolve(Integer.toString(fd)));
    }

    /** {@return whether {@code fdLink}, a /proc/self/fd entry, points to a terminal device} */
    static boolean isTerminal(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;                       // closed, or not a link: not a terminal
        }
    }

    /** Thrown by {@link #refuseBinary} when the first bytes look binary; the command line turns it into one line. */
    static final class BinaryOutputException extends IOException {
        private static final long serialVersionUID = 1L;

        BinaryOutputException() {
            super("the file is binary: not writing it to a terminal (redirect standard output, or use --force)");
        }
    }

    /**
     * Wraps standard output when it is a terminal: refuses the data, before writing any of it, if the first
     * {@value #SNIFF} bytes hold a NUL byte (curl's test for "binary output can mess up your terminal").
     *
     * @param out the terminal's channel
     * @return a channel that fails with {@link BinaryOutputException} on binary data
     */
    static GatheringByteChannel refuseBinary(GatheringByteChannel out) {
        return new GatheringByteChannel() {
            private long sniffed;

            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                for (int i = offset; i < offset + length && sniffed < SNIFF; i++) {
                    check(srcs[i]);
                }
                return out.write(srcs, offset, length);
            }

            @Override
            public long write(ByteBuffer[] srcs) throws IOException {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                check(src);
                return out.write(src);
            }

            private void check(ByteBuffer b) throws BinaryOutputException {
                for (int i = b.position(); i < b.limit() && sniffed < SNIFF; i++, sniffed++) {
                    if (b.get(i) == 0) {
                        throw new BinaryOutputException();
                    }
                }
            }

            @Override
            public boolean isOpen() {
                return out.isOpen();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** How many bytes at the start of the output are checked for a NUL. */
    static final int SNIFF = 8192;
}
