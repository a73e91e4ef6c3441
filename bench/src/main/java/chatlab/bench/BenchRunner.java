package chatlab.bench;

import chatlab.bench.results.Environment;
import chatlab.bench.results.Provenance;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.protocol.server.Implementation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@code ./chatlab bench}: every suite asked for, against every implementation asked for,
 * each server in its own process pinned to one CPU and the generators in child processes pinned
 * to the other; writes {@code results/runs/NAME/} (the CSV files, environment.json, charts,
 * README.md), rebuilds {@code results/README.md}, and prints a summary table.
 */
public final class BenchRunner {

    private final BenchSettings settings;
    private final PrintStream out;

    public BenchRunner(BenchSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * @return 0 when every check held (series may end at the limits they look for), 1 when one failed:
     *         a duplicated message, a loss no slow-consumer close explains, an error answer, a dead
     *         server, a suite that could not run. The files are written either way.
     */
    public int run() throws IOException {
        Path runDir = settings.runDir();
        Path raw = runDir.resolve("raw");
        Files.createDirectories(raw);
        Launch launch = Launch.of(settings.home(), settings.pin(), settings.serverCpu(), settings.generatorCpu(),
                settings.serverJvmFlags(), settings.generatorJvmFlags());
        List<String> serverCommand = launch.serverCommand(List.of(), settings.serveOptions());
        JsonNode env = Environment.collect(settings.command(), settings.home(), settings.describe(launch.shown(serverCommand)));
        Environment.write(runDir.resolve(Environment.FILE), env);
        out.printf("chatlab bench: %s %s over %s -> %s%n", settings.profile(),
                settings.suites().stream().map(p -> p.suite().name()).toList(), settings.models(), settings.home().relativize(runDir));
        for (String warning : Provenance.of(RunData.read(runDir)).warnings()) out.println("WARNING: " + warning);
        if (!launch.pin()) out.println("  (not pinned: taskset or a second CPU is missing; figures include the generator's interference)");

        Recorder recorder = new Recorder(runDir, out);
        SuiteContext context = new SuiteContext(launch.servers(serverCommand, raw), launch.generators(raw), recorder, runDir,
                settings.maxPerGenerator(), settings.sourceAddresses(), settings.perAddress(), settings.maxInFlight(),
                settings.perConnectionTimeout().toMillis(), settings.settle().toMillis(), settings.classModels());

        for (BenchSettings.Planned<?> planned : settings.suites()) {
            try {
                planned.run(context, settings.impls());
            } catch (IOException | RuntimeException e) {
                recorder.fail(new chatlab.bench.results.Failure(planned.suite().name(), "", -1, "could not run: " + e.getMessage()));
            }
        }
        RunData run = RunData.read(runDir);
        new ReportWriter(runDir.resolve("README.md"), ReportWriter.single(run), List.of(run), List.of()).write();
        ReportWriter.rebuildIndex(settings.results());
        summary(run);
        List<String> files = new ArrayList<>();
        try (var listing = Files.list(runDir)) {
            listing.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().forEach(files::add);
        }
        out.println("files: " + settings.home().relativize(runDir) + "/ (" + String.join(", ", files) + "); "
                + settings.home().relativize(settings.results().resolve("README.md")) + " rebuilt");
        return recorder.failures().isEmpty() ? 0 : 1;
    }

    /** One line per implementation, one column per suite that has a summary for it. */
    private void summary(RunData run) {
        List<String> headings = new ArrayList<>(List.of("impl"));
        List<ReportSection> sections = new ArrayList<>();
        for (BenchSettings.Planned<?> planned : settings.suites()) {
            ReportSection section = planned.suite().section();
            if (settings.models().stream().anyMatch(model -> section.summary(run, model) != null)) {
                sections.add(section);
                headings.add(section.summaryHeading());
            }
        }
        out.println();
        if (sections.isEmpty()) return;
        List<List<String>> lines = new ArrayList<>();
        lines.add(headings);
        for (String model : settings.models()) {
            List<String> cells = new ArrayList<>(List.of(model));
            for (ReportSection section : sections) {
                String cell = section.summary(run, model);
                cells.add(cell == null ? "" : cell);
            }
            lines.add(cells);
        }
        new Table(lines.get(0), lines.subList(1, lines.size())).print(out);
        out.println(run.failures().isEmpty() ? "every check held: nothing lost without a slow-consumer close, nothing duplicated, no server died"
                : run.failures().size() + " check(s) failed (exit 1): see " + settings.home().relativize(run.dir().resolve("failures.csv")));
    }
}
