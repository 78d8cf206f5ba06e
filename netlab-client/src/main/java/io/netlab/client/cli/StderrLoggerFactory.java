package io.netlab.client.cli;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.FormattingTuple;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.netty.util.internal.logging.MessageFormatter;

/**
 * Netty's log in the command line: what java.util.logging's default configuration would print (INFO, WARNING and
 * SEVERE; Netty's DEBUG and TRACE are off) as one line on standard error each, {@code netlab-client: netty
 * WARNING: message (logger)}, followed by the stack trace of an exception. It replaces java.util.logging, whose
 * LogManager costs a one-shot fetch 10-15 ms to start although Netty rarely has anything to say. When
 * {@code java.util.logging.config.file} or {@code .class} is set, Netty logs through java.util.logging as before,
 * so that its debug output can still be turned on.
 */
final class StderrLoggerFactory extends InternalLoggerFactory {
    private StderrLoggerFactory() {
    }

    /** This factory, or java.util.logging's when the user configured java.util.logging. */
    static InternalLoggerFactory forCommandLine() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return JdkLoggerFactory.INSTANCE;
        }
        return new StderrLoggerFactory();
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new Logger(name);
    }

    private static final class Logger extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;

        Logger(String name) {
            super(name);
        }

        private void print(String level, FormattingTuple t) {
            print(level, t.getMessage(), t.getThrowable());
        }

        private void print(String level, String message, Throwable cause) {
            StringBuilder line = new StringBuilder("netlab-client: netty ").append(level).append(": ").append(message)
                    .append(" (").append(name()).append(')');
            synchronized (System.err) {
                System.err.println(line);
                if (cause != null) {
                    cause.printStackTrace(System.err);
                }
            }
        }

        // TRACE and DEBUG: off, as in java.util.logging's default configuration

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public void trace(String msg) {
        }

        @Override
        public void trace(String format, Object arg) {
        }

        @Override
        public void trace(String format, Object argA, Object argB) {
        }

        @Override
        public void trace(String format, Object... arguments) {
        }

        @Override
        public void trace(String msg, Throwable t) {
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public void debug(String msg) {
        }

        @Override
        public void debug(String format, Object arg) {
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
        }

        @Override
        public void debug(String format, Object... arguments) {
        }

        @Override
        public void debug(String msg, Throwable t) {
        }

        // INFO, WARN and ERROR: printed (java.util.logging's INFO, WARNING and SEVERE)

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public void info(String msg) {
            print("INFO", msg, null);
        }

        @Override
        public void info(String format, Object arg) {
            print("INFO", MessageFormatter.format(format, arg));
        }

        @Override
        public void info(String format, Object argA, Object argB) {
            print("INFO", MessageFormatter.format(format, argA, argB));
        }

        @Override
        public void info(String format, Object... arguments) {
            print("INFO", MessageFormatter.arrayFormat(format, arguments));
        }

        @Override
        public void info(String msg, Throwable t) {
            print("INFO", msg, t);
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public void warn(String msg) {
            print("WARNING", msg, null);
        }

        @Override
        public void warn(String format, Object arg) {
            print("WARNING", MessageFormatter.format(format, arg));
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            print("WARNING", MessageFormatter.format(format, argA, argB));
        }

        @Override
        public void warn(String format, Object... arguments) {
            print("WARNING", MessageFormatter.arrayFormat(format, arguments));
        }

        @Override
        public void warn(String msg, Throwable t) {
            print("WARNING", msg, t);
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public void error(String msg) {
            print("SEVERE", msg, null);
        }

        @Override
        public void error(String format, Object arg) {
            print("SEVERE", MessageFormatter.format(format, arg));
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            print("SEVERE", MessageFormatter.format(format, argA, argB));
        }

        @Override
        public void error(String format, Object... arguments) {
            print("SEVERE", MessageFormatter.arrayFormat(format, arguments));
        }

        @Override
        public void error(String msg, Throwable t) {
            print("SEVERE", msg, t);
        }
    }
}
