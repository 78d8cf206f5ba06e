package io.netlab.client.cli;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Netty's messages in the command line: what java.util.logging printed by default, one line each. */
class StderrLoggerFactoryTest {

    private static String stderrOf(Runnable r) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoWarningsAndErrorsArePrintedDebugAndTraceAreNot() {
        InternalLoggerFactory factory = StderrLoggerFactory.forCommandLine();
        assertThat(factory).isInstanceOf(StderrLoggerFactory.class);
        InternalLogger logger = ((StderrLoggerFactory) factory).newInstance("io.netty.Example");
        assertThat(logger.isDebugEnabled() || logger.isTraceEnabled()).isFalse();
        assertThat(logger.isInfoEnabled() && logger.isWarnEnabled() && logger.isErrorEnabled()).isTrue();
        String err = stderrOf(() -> {
            logger.debug("not shown {}", 1);
            logger.trace("not shown");
            logger.info("a {} b {}", 1, 2);
            logger.warn("three {} {} {}", "x", "y", "z");
            logger.error("failed: {}", "why", new IllegalStateException("boom"));
        });
        assertThat(err).startsWith("netlab-client: netty INFO: a 1 b 2 (io.netty.Example)\n"
                + "netlab-client: netty WARNING: three x y z (io.netty.Example)\n"
                + "netlab-client: netty SEVERE: failed: why (io.netty.Example)\n"
                + "java.lang.IllegalStateException: boom\n");
        assertThat(err).doesNotContain("not shown");
    }

    @Test
    void aUserWhoConfiguresJavaUtilLoggingKeepsIt() {
        System.setProperty("java.util.logging.config.file", "/nonexistent/logging.properties");
        try {
            assertThat(StderrLoggerFactory.forCommandLine()).isSameAs(JdkLoggerFactory.INSTANCE);
        } finally {
            System.clearProperty("java.util.logging.config.file");
        }
    }
}
