package io.netlab.server.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;

/**
 * The command line's log appender: logback's {@link AsyncAppender} that never blocks the thread that logs (an event
 * loop), and counts what it drops. When the queue is full — standard output is a pipe or terminal that is not being
 * read — a line is dropped and counted; the next line that finds room is preceded by one saying how many were lost.
 * Configured in {@code netlab-server-logback.xml} with {@code neverBlock} and no discarding by level.
 */
public final class DroppingAsyncAppender extends AsyncAppender {
    private long dropped;
    private long droppedInAll;

    /** {@return the lines dropped since the server started} */
    public synchronized long droppedInAll() {
        return droppedInAll;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        // under the lock only this method adds to the queue (the worker only takes from it), so room now means
        // the offer below succeeds: the count is exact
        if (getRemainingCapacity() == 0) {
            dropped++;
            droppedInAll++;
            return;
        }
        if (dropped > 0 && getRemainingCapacity() > 1) {
            super.append(droppedNotice(dropped));
            dropped = 0;
        }
        super.append(event);
    }

    private ILoggingEvent droppedNotice(long n) {
        LoggerContext context = (LoggerContext) getContext();
        LoggingEvent notice = new LoggingEvent(DroppingAsyncAppender.class.getName(),
                context.getLogger(DroppingAsyncAppender.class), Level.WARN,
                "{} log line(s) dropped: standard output is not being read fast enough", null, new Object[] {n});
        return notice;
    }
}
