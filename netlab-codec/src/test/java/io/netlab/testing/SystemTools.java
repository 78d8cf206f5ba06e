package io.netlab.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The system tools a few tests need (mkfifo, chattr, mount, setpriv, ip, nft, ...). A newcomer's machine may have
 * none of them: a test asks {@link #run} and skips itself (a JUnit assumption) when the answer is not 0, rather
 * than failing with "Cannot run program".
 */
public final class SystemTools {
    /** The exit code a shell gives for a command that is not installed. */
    public static final int NOT_INSTALLED = 127;

    private SystemTools() {
    }

    /**
     * Runs {@code cmd} with its output discarded and waits for it, 30 s at most.
     *
     * @return its exit code; {@link #NOT_INSTALLED} when it cannot be started; -1 when it did not finish in time
     */
    public static int run(String... cmd) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            return NOT_INSTALLED;
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return p.exitValue();
    }

    /** Whether {@code cmd} runs here and succeeds (e.g. {@code installed("setpriv", "--version")}). */
    public static boolean works(String... cmd) throws InterruptedException {
        return run(cmd) == 0;
    }

    /** Whether the tests run as root (which ignores permission bits and may mount, chattr, create namespaces). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
