package io.netlab.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;

import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the benchmarks still start and produce results (in this JVM, with a tiny configuration). No timing is
 * asserted: speed is measured by running the benchmarks, not by tests.
 */
class BenchmarksStartTest {

    @Test
    void everyBenchmarkRunsAndScores() throws Exception {
        Collection<RunResult> results = Benchmarks.run("--quick", "-f", "0", "-wi", "0", "-i", "1", "-r", "100ms",
                "-p", "blockSize=1024,1048576", "-p", "transport=nio,epoll", "-p", "digest=crc32c",
                "-p", "sendMode=buffered,sendfile", "-p", "fileMiB=2", "-rf", "json", "-rff", "target/jmh-smoke.json",
                "-v", "SILENT");    // the results are checked below; JMH's report would be 5,000 lines of build log
        // 2 file codec + 1 copy reference per block size, 2 sum, 2 block sizes x 2 transports x 2 send modes
        assertThat(results).hasSize(3 * 2 + 2 + 2 * 2 * 2);
        for (RunResult r : results) {
            assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
        }
        // every row that moves file data has its rate in MiB/s, labelled so; the sum rows have none
        for (RunResult r : results) {
            boolean data = !r.getParams().getBenchmark().contains("SumCodecBenchmark");
            if (data) {
                assertThat(r.getSecondaryResults().get("payload").getScore()).as(r.getParams().getBenchmark()).isPositive();
                assertThat(r.getSecondaryResults().get("payload").getScoreUnit()).isEqualTo("MiB/s");
            } else {
                assertThat(r.getSecondaryResults()).doesNotContainKey("payload");
            }
        }
        // one fetch of fileMiB=2 per operation: the MiB/s are twice the ops/s
        assertThat(results).filteredOn(r -> r.getParams().getBenchmark().endsWith("TransferBenchmark.fetch"))
                .allSatisfy(r -> assertThat(r.getSecondaryResults().get("payload").getScore())
                        .isCloseTo(2 * r.getPrimaryResult().getScore(), org.assertj.core.data.Percentage.withPercentage(1)));
    }
}
