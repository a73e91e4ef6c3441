package chatlab.bench;

import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.GeneratorProcess;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Environment;
import chatlab.bench.results.Provenance;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.RunData;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerLauncher;
import chatlab.bench.server.SpawnedServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code ./chatlab bench}: every suite asked for, against every implementation asked for,
 * each server in its own process pinned to one CPU and the generators in child processes pinned
 * to the other; writes {@code results/runs/NAME/} (the CSV files, environment.json, charts,
 * README.md), rebuilds {@code results/README.md}, and prints a summary table.
 */
public final class BenchRunner {

    private final BenchSettings settings;
    private final PrintStream out;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classpath = System.getProperty("java.class.path");

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
        boolean pin = settings.pin() && canPin();
        List<String> serverCommand = new ArrayList<>(pinned(pin, settings.serverCpu()));
        serverCommand.add(java);
        serverCommand.addAll(settings.serverJvmFlags());
        serverCommand.addAll(List.of("-Dchatlab.home=" + settings.home(), "-cp", classpath, "chatlab.cli.ChatlabCommand", "serve",
                "--host", "127.0.0.1", "--port", "0"));
        if (settings.classPath() != null) serverCommand.addAll(List.of("--classpath", settings.classPath()));
        serverCommand.add("--model");
        List<String> shownCommand = new ArrayList<>(serverCommand);
        shownCommand.set(shownCommand.indexOf(classpath), "<the CLI's classpath>");
        shownCommand.set(shownCommand.indexOf("-Dchatlab.home=" + settings.home()), "-Dchatlab.home=<the chatlab directory>");
        JsonNode env = Environment.collect(settings.command(), settings.home(), settings.describe(shownCommand));
        Environment.write(runDir.resolve(Environment.FILE), env);
        out.printf("chatlab bench: %s %s over %s -> %s%n", settings.profile(),
                settings.suites().stream().map(p -> p.suite().name()).toList(), settings.models(), settings.home().relativize(runDir));
        for (String warning : Provenance.of(RunData.read(runDir)).warnings()) out.println("WARNING: " + warning);
        if (!pin) out.println("  (not pinned: taskset or a second CPU is missing; figures include the generator's interference)");

        Recorder recorder = new Recorder(runDir, out);
        List<String> generatorCommand = new ArrayList<>(pinned(pin, settings.generatorCpu()));
        generatorCommand.add(java);
        generatorCommand.addAll(settings.generatorJvmFlags());
        generatorCommand.addAll(List.of("-cp", classpath));
        GeneratorPool.Factory generators = n -> new GeneratorProcess(generatorCommand, raw.resolve("generator-" + n + ".log").toFile(), "generator-" + n);
        ServerLauncher launcher = new ServerLauncher() {
            @Override
            public ServerHandle start(String model) throws IOException {
                return start(model, List.of());
            }

            @Override
            public ServerHandle start(String model, List<String> serveOptions) throws IOException {
                List<String> command = new ArrayList<>(serverCommand.subList(0, serverCommand.size() - 1)); // up to --model
                command.addAll(serveOptions);
                command.add("--model");
                return new SpawnedServer(model, command, raw.resolve(model + "-" + System.nanoTime() + ".log"), Duration.ofSeconds(120));
            }
        };
        SuiteContext context = new SuiteContext(launcher, generators, recorder, runDir, settings.maxPerGenerator(),
                settings.sourceAddresses(), settings.perAddress(), settings.maxInFlight(),
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
        List<String> skipped = new ArrayList<>();
        List<RunData> all = RunData.readAll(settings.results().resolve("runs"), skipped);
        new ReportWriter(settings.results().resolve("README.md"), ReportWriter.choose(all), all, skipped).write();
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
        int[] widths = new int[headings.size()];
        for (List<String> line : lines) for (int i = 0; i < line.size(); i++) widths[i] = Math.max(widths[i], line.get(i).length());
        for (int l = 0; l < lines.size(); l++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                if (i > 0) text.append(" | ");
                text.append(String.format("%-" + widths[i] + "s", lines.get(l).get(i)));
            }
            out.println(text.toString().stripTrailing());
            if (l == 0) out.println("-".repeat(text.length()));
        }
        out.println(run.failures().isEmpty() ? "every check held: nothing lost without a slow-consumer close, nothing duplicated, no server died"
                : run.failures().size() + " check(s) failed (exit 1): see " + settings.home().relativize(run.dir().resolve("failures.csv")));
    }

    private static List<String> pinned(boolean pin, int cpu) {
        return pin ? List.of("taskset", "-c", Integer.toString(cpu)) : List.of();
    }

    private static boolean canPin() {
        if (!ProcReader.available() || Runtime.getRuntime().availableProcessors() < 2) return false;
        try {
            Process p = new ProcessBuilder("taskset", "-c", "0", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
