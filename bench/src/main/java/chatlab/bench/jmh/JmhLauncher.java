package chatlab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks of this package through JMH's {@link Runner} with its GC profiler (allocation
 * per operation, {@code gc.alloc.rate.norm}), keeping JMH's JSON. Started by {@link JmhSuite} in a
 * JVM of its own (JMH forks again per benchmark). Arguments: the JSON file, then forks, warm-up
 * iterations, warm-up milliseconds, measurement iterations, measurement milliseconds, and the
 * include pattern.
 */
public final class JmhLauncher {

    private JmhLauncher() {}

    public static void main(String[] args) throws RunnerException {
        if (args.length != 7) {
            System.err.println("usage: JmhLauncher RESULT.json FORKS WARMUPS WARMUP_MS ITERATIONS ITERATION_MS INCLUDE");
            System.exit(2);
        }
        Options options = new OptionsBuilder()
                .include(args[6])
                .forks(Integer.parseInt(args[1]))
                .warmupIterations(Integer.parseInt(args[2]))
                .warmupTime(TimeValue.milliseconds(Long.parseLong(args[3])))
                .measurementIterations(Integer.parseInt(args[4]))
                .measurementTime(TimeValue.milliseconds(Long.parseLong(args[5])))
                .timeUnit(TimeUnit.NANOSECONDS)
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(args[0])
                .build();
        new Runner(options).run();
    }
}
