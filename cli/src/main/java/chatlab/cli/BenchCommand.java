package chatlab.cli;

import chatlab.bench.BenchRunner;
import chatlab.bench.BenchSettings;
import chatlab.bench.Overrides;
import chatlab.bench.Suite;
import chatlab.bench.Suites;
import chatlab.exercises.StudentCode;
import chatlab.exercises.StudentServer;
import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
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
 * {@code ./chatlab bench}: runs benchmark suites against the implementations and writes
 * {@code results/runs/NAME/} plus a rebuilt {@code results/README.md}. With no suite, the quick
 * suite over all seven implementations (a few minutes on two cores).
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the three models and the four reference servers.",
            "Each server runs in its own process pinned to CPU 1, the load generator in child processes pinned to CPU 0.",
            "Writes results/runs/NAME/ (data.csv, steps.csv, memory.csv, environment.json, charts, README.md) and rebuilds results/README.md.",
            "Exit code 0 when every check held, even where a series ended at a limit it was looking for (the file limit, the p99",
            "threshold, a server falling behind and closing slow consumers); 1 when a check failed: a duplicated message, a loss no",
            "slow-consumer close explains, an error answer, a server that died, a suite that could not run (files are written anyway)."})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    ResultsOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUITE", completionCandidates = SuiteWords.class,
            description = "What to run: ${COMPLETION-CANDIDATES} (default: quick: a small flood, short broadcast and echo, a few minutes).")
    String suiteWord;

    @Option(names = {"-s", "--suite"}, paramLabel = "SUITE", completionCandidates = SuiteWords.class,
            description = "The same as the SUITE word.")
    String suiteOption;

    @Option(names = "--quick", description = "Run a named suite (or all) at the quick suite's size instead of full size.")
    boolean quick;

    @Option(names = {"-i", "--impl"}, split = ",", paramLabel = "IMPL", completionCandidates = ServerName.Candidates.class,
            description = "Implementations, comma separated (default: all seven): ${COMPLETION-CANDIDATES} (a class of yours, with"
                    + " --classpath: a whole server, or an exercise's piece inside its model; CLASS@MODEL for another model: docs/exercises/).")
    List<ServerName> impls;

    @Option(names = "--classpath", paramLabel = "DIR_OR_JAR", split = ":",
            description = "Where the classes of --impl class:CLASS are: directories of .java files (compiled first) or .class files, or jars.")
    List<String> classPath;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Upper bound for every suite's steps; the flood's last step (default: 2000 quick; full: as many as the"
                    + " server's open-file limit allows: about 19,900 at 20,000 files per process). Past that limit a step stops with a message.")
    Integer maxConnections;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Measured window of each load step, e.g. 10s, 500ms, 2m (default: 15s full, 3s quick).")
    Duration duration;

    @Option(names = "--p99-threshold-ms", paramLabel = "MS",
            description = "Broadcast: a step whose p99 is above this is not held (default: 250).")
    Long p99ThresholdMillis;

    @Option(names = "--name", paramLabel = "NAME", description = "Run directory name (default: UTC time and suite).")
    String name;

    @Option(names = "--json-recycler", paramLabel = "POOL",
            description = "Given to every server's `chatlab serve`: where the JSON parser and writer keep their scratch buffers,"
                    + " ${COMPLETION-CANDIDATES} (default: serve's, shared). thread-local shows what Jackson's per-thread cache"
                    + " costs a thread per connection.")
    ServerConfig.JsonRecycler jsonRecycler;

    @Option(names = "--no-pin", description = "Do not pin servers and generators to CPUs with taskset.")
    boolean noPin;

    @Override
    public Integer call() throws Exception {
        String word = chosenSuite();
        Suites.Selection selection;
        try {
            selection = Suites.select(word, quick);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Implementation> chosen = impls == null || impls.isEmpty() ? Arrays.asList(Implementation.values())
                : impls.stream().filter(i -> !i.isStudent()).map(ServerName::implementation).toList();
        List<ServerName> students = impls == null ? List.of() : impls.stream().filter(ServerName::isStudent).toList();
        if (students.isEmpty() && classPath != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--classpath is for --impl " + StudentServer.PREFIX + "CLASS");
        }
        String runName = name != null ? name
                : ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + word;
        if (!runName.matches("[A-Za-z0-9._-]+")) throw new CommandLine.ParameterException(spec.commandLine(), "--name: letters, digits, '.', '_' and '-' only");
        if (maxConnections != null && maxConnections < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--max-connections must be at least 1");
        String command = "./chatlab " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        BenchSettings settings;
        try {
            settings = BenchSettings.of(options.home(), options.results(), runName, command, selection, chosen,
                    new Overrides(maxConnections, duration, p99ThresholdMillis));
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (noPin) settings = settings.withoutPinning();
        if (jsonRecycler != null) settings = settings.withServeOptions(List.of("--json-recycler", jsonRecycler.id()));
        if (students.isEmpty()) return new BenchRunner(settings, System.out).run();
        // A student's classes: compiled once here, checked, and found by every server the run starts.
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath == null ? List.<String>of() : classPath) entries.add(ExerciseCommand.resolve(entry));
        try (StudentCode code = StudentCode.prepare(entries, System.err)) {
            for (ServerName student : students) {
                StudentServer.create(student.student(), code, ServerConfig.defaults()).close();
            }
            settings = settings.withClasses(students.stream().map(ServerName::id).toList(), code.classPathString());
            return new BenchRunner(settings, System.out).run();
        } catch (StudentCode.CompileError e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "your classes did not compile: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The suite named as a word or with {@code --suite} (both at once only if they agree), else quick. */
    String chosenSuite() {
        if (suiteWord != null && suiteOption != null && !suiteWord.equals(suiteOption)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "two suites given: " + suiteWord + " and --suite " + suiteOption);
        }
        String word = suiteWord != null ? suiteWord : suiteOption != null ? suiteOption : Suites.QUICK;
        String lower = word.toLowerCase(Locale.ROOT);
        if (!Suites.words().contains(lower)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown suite '" + word + "'; valid: "
                    + String.join(", ", Suites.words()));
        }
        return lower;
    }

    /** The words {@code bench} accepts, for {@code --help} and shell completion. */
    static final class SuiteWords implements Iterable<String> {
        @Override
        public Iterator<String> iterator() { return Suites.words().iterator(); }
    }

    /** The list of suites with their descriptions, for the help's footer. */
    static String suiteList() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  %-10s %s", Suites.QUICK, "every quick suite at quick size (the default)"));
        lines.add(String.format(Locale.ROOT, "  %-10s %s", Suites.ALL, "every suite at full size (--quick: at quick size)"));
        for (Suite<?> suite : Suites.all()) lines.add(String.format(Locale.ROOT, "  %-10s %s", suite.name(), suite.description()));
        return String.join(System.lineSeparator(), lines);
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
