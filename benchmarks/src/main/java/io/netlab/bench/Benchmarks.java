package io.netlab.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs the netlab benchmarks. {@code --quick}: one fork, one short warm-up and two short measurements, the smallest
 * and largest block size, CRC-32C only and a 16 MiB file (parameters the command line sets itself are kept), to see
 * that everything runs, in about a minute; without it: one fork, 3 warm-up and 5 measurement iterations of 2 s. Other arguments are JMH's
 * own (a benchmark regex, {@code -p blockSize=1024}, {@code -f 3}, ...). Results also go to
 * {@code benchmarks/results/jmh.json} (or {@code -rff FILE}). Every benchmark that moves file data also reports
 * its rate in MiB/s ({@link PayloadRate}).
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    /** Runs with the given arguments; returns the results. */
    public static Collection<RunResult> run(String... args) throws Exception {
        boolean quick = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else {
                rest.add(a);
            }
        }
        CommandLineOptions cli = new CommandLineOptions(rest.toArray(new String[0]));
        ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            b.include("io\\.netlab\\.bench\\..*");
        }
        // the in-process server logs each transfer at INFO: keep the benchmark output readable
        b.jvmArgsAppend("-Dnetlab.log.level=WARN");
        if (!cli.getForkCount().hasValue()) {
            b.forks(1);
        }
        if (!cli.getResult().hasValue()) {
            b.result("benchmarks/results/jmh.json").resultFormat(ResultFormatType.JSON);
        }
        // data rates in MiB/s, as rows that say so (JMH labels every throughput "ops/s")
        b.addProfiler(PayloadRate.class);
        if (quick) {
            b.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
            // the smallest and largest block size, one digest and a 16 MiB file: 16 runs, well under 90 s
            quickParam(cli, b, "blockSize", "1024", "1048576");
            quickParam(cli, b, "digest", "crc32c");
            quickParam(cli, b, "fileMiB", "16");
        } else {
            if (!cli.getWarmupIterations().hasValue()) {
                b.warmupIterations(3).warmupTime(TimeValue.seconds(2));
            }
            if (!cli.getMeasurementIterations().hasValue()) {
                b.measurementIterations(5).measurementTime(TimeValue.seconds(2));
            }
        }
        return new Runner(b.build()).run();
    }

    /** In quick mode, {@code values} for a parameter the command line does not set itself. */
    private static void quickParam(CommandLineOptions cli, ChainedOptionsBuilder b, String name, String... values) {
        if (!cli.getParameter(name).hasValue()) {
            b.param(name, values);
        }
    }

    /** Command-line entry point (also the main class of benchmarks.jar). */
    public static void main(String[] args) throws Exception {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("benchmarks/results"));
        run(args);
    }
}
