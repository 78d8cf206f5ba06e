package io.netlab.client.cli;

import io.netlab.client.Progress;
import io.netlab.client.TransferResult;
import io.netlab.client.Units;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress bar on standard error, shown only once a transfer has taken more than half a second, so that quick
 * fetches print nothing but their summary (and do not pay for loading the bar). The rate it shows is netlab's
 * ({@link Units#rate}), from the start of the fetch; its last figure is the summary's, from the same
 * {@link TransferResult} ({@link #done}). Notes (a partial file discarded, a fetch starting over) go to standard
 * error always.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 500_000_000L;

    private final String task;
    private final PrintStream out;
    private final long showAfterNanos;
    private final long started = System.nanoTime();
    private long total = -1;
    /** The first count reported: above 0 for a resumed transfer, whose rate counts only the bytes it moved. */
    private long first = -1;
    private ProgressBar bar;
    private LastFrameLast consumer;

    ConsoleProgress(String task, PrintStream out, long showAfterNanos) {
        this.task = task;
        this.out = out;
        this.showAfterNanos = showAfterNanos;
    }

    /**
     * The bar for a fetch, or one that shows nothing.
     *
     * @param task     the name shown
     * @param show     {@code TRUE}/{@code FALSE} from {@code --progress}/{@code --no-progress}; {@code null}: when
     *                 standard error is a terminal, and standard output is not one that receives the file
     * @param toStdout whether the file goes to standard output
     * @return the progress to report to
     */
    static ConsoleProgress forFetch(String task, Boolean show, boolean toStdout) {
        boolean on = show != null ? show
                : Terminals.isTerminal(Terminals.STDERR) && !(toStdout && Terminals.isTerminal(Terminals.STDOUT));
        return new ConsoleProgress(task, on ? System.err : null, SHOW_AFTER_NANOS);
    }

    @Override
    public void start(long total) {
        this.total = total;
    }

    @Override
    public void update(long received) {
        if (first < 0) {
            first = received;
        }
        if (out == null) {
            return;
        }
        long elapsed = System.nanoTime() - started;
        if (bar == null) {
            if (total <= 0 || elapsed < showAfterNanos) {
                return;
            }
            consumer = Bars.consumer(out);
            bar = Bars.bar(task, total, first, elapsed, consumer);
        }
        bar.stepTo(received);
        bar.setExtraMessage(Units.rate(received - first, elapsed));
    }

    /**
     * The fetch succeeded: the bar ends on the result's figures, the same ones the summary line prints.
     *
     * @param result the verified transfer
     */
    void done(TransferResult result) {
        if (bar != null) {
            bar.stepTo(result.bytes());
            bar.setExtraMessage(Units.rate(result.bytes() - result.resumedAt(), result.nanos()));
        }
        close();
    }

    @Override
    public void note(String message) {
        close();
        first = -1;
        System.err.println("netlab-client: " + message);
    }

    /** Leaves the bar as it is (the fetch ended: {@link #done} or {@link #close} follows). */
    @Override
    public void finish() {
    }

    /** Draws the bar a last time and ends its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
            consumer.close();   // the library skips it when its first refresh is the closing one: end the line here
        }
    }

    /**
     * Builds the bar. A class of its own: verifying this code loads progressbar classes, which a fetch that draws
     * no bar (standard error not a terminal, --no-progress, or done within half a second) then never loads.
     */
    private static final class Bars {
        static LastFrameLast consumer(PrintStream out) {
            return new LastFrameLast(new ConsoleProgressBarConsumer(out));
        }

        static ProgressBar bar(String task, long total, long first, long elapsedNanos, LastFrameLast consumer) {
            return new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setUnit(" MiB", 1024 * 1024)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(200)
                    .startsFrom(first, Duration.ofNanos(elapsedNanos))
                    .setConsumer(consumer)
                    .build();
        }
    }

    /**
     * Ends the bar's line exactly once, after its last frame: the library's periodic refresh runs on a thread pool
     * and may draw after the last frame, and a bar closed before its first refresh never gets its line end (the
     * summary line would then start at the end of the bar).
     */
    private static final class LastFrameLast implements ProgressBarConsumer {
        private final ProgressBarConsumer delegate;
        private boolean closed;

        LastFrameLast(ProgressBarConsumer delegate) {
            this.delegate = delegate;
        }

        @Override
        public int getMaxRenderedLength() {
            return delegate.getMaxRenderedLength();
        }

        @Override
        public synchronized void accept(String frame) {
            if (!closed) {
                delegate.accept(frame);
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                delegate.close();
            }
        }
    }
}
