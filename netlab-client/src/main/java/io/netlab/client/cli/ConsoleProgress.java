package io.netlab.client.cli;

import io.netlab.client.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error, shown only on a terminal and only once a transfer has taken more than
 * half a second, so that quick fetches print nothing but their summary (and do not pay for loading the bar).
 * Notes (a partial file discarded, a fetch starting over) go to standard error always.
 */
final class ConsoleProgress implements Progress {
    private static final long SHOW_AFTER_NANOS = 500_000_000L;

    private final String task;
    private final long started = System.nanoTime();
    private long total = -1;
    /** The first count reported, and when: above 0 for a resumed transfer, which the speed must not count. */
    private long first = -1;
    private long firstAt;
    private ProgressBar bar;

    /** Without a bar (not a terminal, or --quiet): only the notes. */
    private static final Progress NOTES_ONLY = new Progress() {
        @Override
        public void note(String message) {
            System.err.println("netlab-client: " + message);
        }
    };

    ConsoleProgress(String task) {
        this.task = task;
    }

    /** A progress bar when standard output is a terminal and not silenced, otherwise nothing. */
    static Progress forTerminal(String task, boolean quiet) {
        return !quiet && System.console() != null ? new ConsoleProgress(task) : NOTES_ONLY;
    }

    @Override
    public void start(long total) {
        this.total = total;
    }

    @Override
    public void update(long received) {
        if (first < 0) {
            first = received;
            firstAt = System.nanoTime();
        }
        if (bar == null) {
            if (total <= 0 || System.nanoTime() - started < SHOW_AFTER_NANOS) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setUnit(" MiB", 1024 * 1024)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(200)
                    .showSpeed()
                    .startsFrom(first, java.time.Duration.ofNanos(System.nanoTime() - firstAt))
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        }
        bar.stepTo(received);
    }

    @Override
    public void note(String message) {
        finish();
        first = -1;
        NOTES_ONLY.note(message);
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
