package io.netlab.bench;

import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.FileFetcher;
import io.netlab.client.Progress;
import io.netlab.client.TransferResult;
import io.netlab.codec.DigestAlgorithm;

import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many clients at once through the real client code: N concurrent fetches of one file from a running file server,
 * each verified (size and digest against the server's END frame), into /dev/null. Prints one line:
 * <pre>
 * n=N bytes=B wall_ms=W aggregate_mib_s=A p50_ms=P50 p99_ms=P99 max_ms=MAX failures=F
 * </pre>
 * Usage: {@code java -cp benchmarks.jar io.netlab.bench.LoadDriver HOST PORT PATH N [BLOCK_SIZE] [DIGEST]}.
 * A first, uncounted round of the same N fetches warms this JVM (class loading, JIT), so that the figures are
 * the server's and the steady client's, as they are for a native client such as curl. Every fetch has a 120 s
 * read timeout and each round a 10 minute limit, so it always ends.
 */
public final class LoadDriver {
    private LoadDriver() {
    }

    /** Runs one round; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        Endpoint server = new Endpoint(args[0], Integer.parseInt(args[1]), null);
        String path = args[2];
        int n = Integer.parseInt(args[3]);
        int blockSize = args.length > 4 ? Integer.parseInt(args[4]) : 1024 * 1024;
        DigestAlgorithm digest = args.length > 5 ? DigestAlgorithm.parse(args[5]) : DigestAlgorithm.CRC32C;
        FetchOptions options = FetchOptions.builder().blockSize(blockSize).digest(digest)
                .readTimeout(java.time.Duration.ofSeconds(120)).build();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            round(pool, server, path, n, options, false);
            System.exit(round(pool, server, path, n, options, true));
        } finally {
            pool.shutdownNow();
        }
    }

    /** N concurrent fetches; prints the result line when {@code report}; returns the number of failures. */
    private static int round(ExecutorService pool, Endpoint server, String path, int n, FetchOptions options,
                             boolean report) throws Exception {
        long[] millis = new long[n];
        long bytes = 0;
        int failures = 0;
        try (FileOutputStream devNull = new FileOutputStream("/dev/null")) {
            FileChannel sink = devNull.getChannel();
            List<Future<TransferResult>> results = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> FileFetcher.fetchTo(server, path, sink, options, Progress.NONE)));
            }
            for (int i = 0; i < n; i++) {
                try {
                    TransferResult r = results.get(i).get(10, TimeUnit.MINUTES);
                    bytes += r.bytes();
                    millis[i] = TimeUnit.NANOSECONDS.toMillis(r.nanos());
                } catch (Exception e) {
                    failures++;
                    millis[i] = Long.MAX_VALUE;
                    System.err.println("fetch " + i + " failed: " + e.getCause());
                }
            }
            long wall = System.nanoTime() - start;
            Arrays.sort(millis);
            if (!report) {
                return failures;
            }
            System.out.printf(Locale.ROOT, "n=%d bytes=%d wall_ms=%d aggregate_mib_s=%.1f p50_ms=%d p99_ms=%d max_ms=%d"
                            + " failures=%d%n", n, bytes, TimeUnit.NANOSECONDS.toMillis(wall),
                    bytes / (wall / 1e9) / (1024 * 1024), percentile(millis, 50), percentile(millis, 99),
                    millis[n - 1], failures);
        }
        return failures;
    }

    private static long percentile(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
