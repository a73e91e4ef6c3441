package chatlab.cli;

import chatlab.labs.Lab;
import chatlab.labs.LabOptions;
import chatlab.labs.LabRunner;
import chatlab.labs.Labs;
import chatlab.labs.Size;
import chatlab.protocol.server.Implementation;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./chatlab lab NAME}: one of the course's labs, on the bench's harness, written to
 * {@code results/labs/NAME/}; {@code ./chatlab lab list} (or no name) says what each asks.
 */
@Command(name = "lab",
        mixinStandardHelpOptions = true,
        description = {
            "Run one of the course's labs: one claim of the lecture, measured on this machine, in a few minutes.",
            "Servers run one after another in their own processes pinned to CPU 1, the load generator pinned to CPU 0, as in bench.",
            "Writes results/labs/NAME/ (CSV files, environment.json, charts, README.md with a reading computed from the data)",
            "and rebuilds results/README.md. docs/labs/NAME.md has the hypothesis, what to look at and questions for the student.",
            "Exit code 0 when every check held, 1 when one failed (a server died, a message was lost without a slow-consumer close)."})
public final class LabCommand implements Callable<Integer> {

    static final String LIST = "list";

    @Mixin
    ResultsOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = LabWords.class,
            description = "The lab: ${COMPLETION-CANDIDATES} (default: list).")
    String name;

    @Option(names = "--full", description = "More steps and longer windows than the default size (several times as long).")
    boolean full;

    @Option(names = {"-i", "--impl"}, split = ",", paramLabel = "IMPL",
            description = "Run only the lab's servers of these models and peers, comma separated: ${COMPLETION-CANDIDATES}.")
    List<Implementation> impls;

    @Option(names = "--max-connections", paramLabel = "N", description = "Upper bound for the lab's connection counts.")
    Integer maxConnections;

    @Option(names = "--duration", paramLabel = "TIME", converter = BenchCommand.DurationConverter.class,
            description = "The lab's measured window (its load, its idling), e.g. 10s, 500ms, 2m.")
    Duration duration;

    @Option(names = "--no-pin", description = "Do not pin servers and generators to CPUs with taskset.")
    boolean noPin;

    @Override
    public Integer call() throws Exception {
        if (name == null || name.equals(LIST)) {
            System.out.println(labList());
            return 0;
        }
        Lab<?> lab;
        try {
            lab = Labs.named(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + ", " + LIST);
        }
        if (maxConnections != null && maxConnections < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--max-connections must be at least 1");
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be positive");
        }
        if (!Files.isRegularFile(options.home().resolve(chatlab.bench.ServerJvmFlags.FILE))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no " + chatlab.bench.ServerJvmFlags.FILE + " in "
                    + options.home() + ": run ./chatlab from the chatlab directory");
        }
        List<String> models = impls == null ? null : impls.stream().map(Implementation::id).toList();
        String command = "./chatlab " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        LabRunner runner = new LabRunner(options.home(), options.results(), command, !noPin, System.out);
        try {
            return runner.run(lab, full ? Size.FULL : Size.DEFAULT, new LabOptions(models, maxConnections, duration));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Every lab with its question: what {@code ./chatlab lab list} prints and the help's footer. */
    static String labList() {
        List<String> lines = new ArrayList<>();
        for (Lab<?> lab : Labs.all()) {
            lines.add(String.format(Locale.ROOT, "  %-22s %s", lab.name(), lab.question()));
        }
        lines.add("Run one with ./chatlab lab NAME [--full]; its page is results/labs/NAME/README.md, its guide docs/labs/NAME.md.");
        return String.join(System.lineSeparator(), lines);
    }

    /** The words {@code lab} accepts, for {@code --help} and shell completion. */
    static final class LabWords implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> words = new ArrayList<>(Labs.names());
            words.add(LIST);
            return words.iterator();
        }
    }
}
