package io.netlab.client.cli;

import io.netlab.client.ClientException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code LOCAL_PATH} as the user typed it: {@code -} (standard output), a name ending in '/' (a directory, which
 * {@link Path} would forget), or a file.
 */
final class LocalPath {
    private static final Path FD_INFO = Path.of("/proc/self/fdinfo");

    private LocalPath() {
    }

    /** The path, or a usage error. */
    static Path parse(CommandSpec spec, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "LOCAL_PATH: " + e.getMessage());
        }
    }

    /** Whether the user asked for a directory ({@code newdir/}): the file goes inside it, never at its place. */
    static boolean namesDirectory(String text) {
        return text.endsWith("/") || text.endsWith(java.io.File.separator);
    }

    /**
     * Standard output as a channel, once it is known to be open for writing. A process started with descriptor 1
     * closed ({@code - >&-}) finds it reused by the JVM (for the JDK's class image, read only): writing there would
     * fail, and closing it would pull the classes from under the JVM. Linux shows the access mode in
     * {@code /proc/self/fdinfo/1}; elsewhere the first write says what is wrong.
     *
     * @throws ClientException when standard output is closed or read only
     */
    static GatheringByteChannel standardOutput() throws ClientException {
        if (Files.isDirectory(FD_INFO)) {
            boolean writable;
            try {
                writable = Files.readAllLines(FD_INFO.resolve("1"), StandardCharsets.US_ASCII).stream()
                        .filter(l -> l.startsWith("flags:")).findFirst()
                        .map(l -> (Integer.parseInt(l.substring("flags:".length()).strip(), 8) & 3) != 0)  // O_RDONLY is 0
                        .orElse(true);
            } catch (NoSuchFileException closed) {
                writable = false;
            } catch (IOException | RuntimeException cannotTell) {
                writable = true;
            }
            if (!writable) {
                throw new ClientException(ClientException.Kind.LOCAL,
                        "standard output is closed (or not open for writing): LOCAL_PATH '-' writes the file there");
            }
        }
        return new FileOutputStream(FileDescriptor.out).getChannel();
    }
}
