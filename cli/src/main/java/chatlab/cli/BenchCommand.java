package chatlab.cli;

import chatlab.bench.BenchRunner;
import chatlab.bench.BenchSettings;
import chatlab.bench.Impl;
import chatlab.bench.Suite;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./chatlab bench}: runs the benchmark suites against the implementations and writes
 * {@code results/runs/NAME/} plus a rebuilt {@code results/README.md}. With no arguments, the
 * quick suite over all seven implementations (a few minutes on two cores).
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the three models and the four reference servers: connection flood, broadcast, echo, JMH.",
            "Each server runs in its own process pinned to CPU 1, the load generator in child processes pinned to CPU 0.",
            "Writes results/runs/NAME/ (data.csv, steps.csv, environment.json, charts, README.md) and rebuilds results/README.md.",
            "Exit code 1 when any step lost, duplicated or failed something (the files are written anyway)."})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    ResultsOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-s", "--suite"}, defaultValue = "quick",
            description = "Suite: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: small flood, short broadcast and echo).")
    Suite suite;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUITE",
            description = "The suite, as a word instead of --suite: ./chatlab bench jmh, ./chatlab bench flood.")
    Suite suiteWord;

    @Option(names = {"-i", "--impl"}, split = ",", paramLabel = "IMPL",
            description = "Implementations, comma separated (default: all): ${COMPLETION-CANDIDATES}.")
    List<Model> impls;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Upper bound for every suite's steps; the flood's last step (default: 2000 quick; full: as many as the"
                    + " server's open-file limit allows: about 19,900 at 20,000 files per process). Past that limit a step stops with a message.")
    Integer maxConnections;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Measured window of each broadcast and echo step, e.g. 10s, 500ms, 2m (default: 15s full, 3s quick).")
    Duration duration;

    @Option(names = "--p99-threshold-ms", paramLabel = "MS",
            description = "Broadcast: a step whose p99 is above this is not held (default: 250).")
    Long p99ThresholdMillis;

    @Option(names = "--name", paramLabel = "NAME", description = "Run directory name (default: UTC time and suite).")
    String name;

    @Option(names = "--no-pin", description = "Do not pin servers and generators to CPUs with taskset.")
    boolean noPin;

    @Override
    public Integer call() throws Exception {
        Suite toRun = chosenSuite();
        List<Impl> chosen = new ArrayList<>();
        for (Model model : impls == null || impls.isEmpty() ? Arrays.asList(Model.values()) : impls) {
            chosen.add(Impl.parse(model.id()));
        }
        String runName = name != null ? name
                : ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + toRun;
        if (!runName.matches("[A-Za-z0-9._-]+")) throw new CommandLine.ParameterException(spec.commandLine(), "--name: letters, digits, '.', '_' and '-' only");
        String command = "./chatlab " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        BenchSettings settings = BenchSettings.of(options.home(), options.results(), runName, command, toRun, chosen,
                maxConnections, duration, p99ThresholdMillis);
        if (noPin) settings = withoutPinning(settings);
        return new BenchRunner(settings, System.out).run();
    }

    /** The suite named as a word or with {@code --suite} (both at once only if they agree), else quick. */
    Suite chosenSuite() {
        boolean optionGiven = spec.commandLine().getParseResult().hasMatchedOption("--suite");
        if (suiteWord != null && optionGiven && suiteWord != suite) {
            throw new CommandLine.ParameterException(spec.commandLine(), "two suites given: " + suiteWord + " and --suite " + suite);
        }
        return suiteWord != null ? suiteWord : suite;
    }

    private static BenchSettings withoutPinning(BenchSettings s) {
        return new BenchSettings(s.home(), s.results(), s.runName(), s.command(), s.profile(), s.suites(), s.impls(), s.flood(),
                s.broadcast(), s.echo(), s.jmhQuick(), s.serverJvmFlags(), s.generatorJvmFlags(), false, s.serverCpu(),
                s.generatorCpu(), s.maxPerGenerator(), s.sourceAddresses(), s.perAddress(), s.maxInFlight(),
                s.perConnectionTimeout(), s.settle());
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, or ISO-8601 ({@code PT10S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMinutes(n);
                };
            }
            try {
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 10s, 500ms or 2m");
            }
        }
    }
}
