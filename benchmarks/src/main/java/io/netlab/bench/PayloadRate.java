package io.netlab.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.Collection;
import java.util.List;

/**
 * Adds a secondary result {@code payload} in MiB/s to every benchmark that moves file data, so that a data rate is
 * never read off a row labelled ops/s: JMH labels every throughput score, and every counter, "ops/s". The rate is
 * the iteration's ops/s times the MiB one operation moves: 1 for {@link FileFrameCodecBenchmark} (one operation
 * encodes, decodes or copies 1 MiB of payload), {@code fileMiB} for {@link TransferBenchmark} (one operation is one
 * whole verified fetch). {@link Benchmarks} adds it to every run.
 */
public final class PayloadRate implements InternalProfiler {
    @Override
    public String getDescription() {
        return "payload data rate in MiB/s of the netlab benchmarks that move file data";
    }

    /** MiB of payload one operation of this benchmark moves; 0 when it moves no file data. */
    static double mibPerOperation(BenchmarkParams params) {
        String name = params.getBenchmark();
        if (name.startsWith(FileFrameCodecBenchmark.class.getName() + '.')) {
            return 1;
        }
        if (name.startsWith(TransferBenchmark.class.getName() + '.')) {
            return Double.parseDouble(params.getParam("fileMiB"));
        }
        return 0;
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        double mib = mibPerOperation(benchmarkParams);
        if (mib == 0 || !"ops/s".equals(result.getScoreUnit())) {
            return List.of();
        }
        return List.of(new ScalarResult("payload", result.getPrimaryResult().getScore() * mib, "MiB/s",
                AggregationPolicy.AVG));
    }
}
