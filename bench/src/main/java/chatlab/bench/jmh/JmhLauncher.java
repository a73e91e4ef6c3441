package chatlab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of this package through JMH's {@link Runner}, keeping JMH's JSON. Started by
 * {@code ./chatlab bench --suite jmh} in a JVM of its own (JMH forks again per benchmark).
 * Arguments: the JSON file to write, then {@code quick} or {@code full}.
 */
public final class JmhLauncher {

    private JmhLauncher() {}

    public static void main(String[] args) throws RunnerException {
        if (args.length < 1) {
            System.err.println("usage: JmhLauncher RESULT.json [quick|full] [include-regex]");
            System.exit(2);
        }
        boolean quick = args.length > 1 && args[1].equals("quick");
        String include = args.length > 2 ? args[2] : JmhLauncher.class.getPackageName().replace(".", "\\.") + "\\..*Benchmark";
        Options options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(quick ? 2 : 5)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .timeUnit(TimeUnit.NANOSECONDS)
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(args[0])
                .build();
        new Runner(options).run();
    }
}
