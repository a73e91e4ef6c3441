package chatlab.bench;

import chatlab.bench.broadcast.BroadcastSuite;
import chatlab.bench.echo.EchoSuite;
import chatlab.bench.flood.FloodSuite;
import chatlab.bench.jmh.JmhLauncher;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.GeneratorProcess;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Environment;
import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
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
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code ./chatlab bench}: every suite against every implementation, each server in its
 * own process pinned to one CPU and the generators in child processes pinned to the other; writes
 * {@code results/runs/NAME/} (data.csv, steps.csv, environment.json, charts, README.md), rebuilds
 * {@code results/README.md}, and prints a summary table.
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

    /** @return 0 when every step ran without errors, 1 otherwise (the files are written either way) */
    public int run() throws IOException {
        Path runDir = settings.runDir();
        Path raw = runDir.resolve("raw");
        Files.createDirectories(raw);
        boolean pin = settings.pin() && canPin();
        List<String> serverCommand = new ArrayList<>(pinned(pin, settings.serverCpu()));
        serverCommand.add(java);
        serverCommand.addAll(settings.serverJvmFlags());
        serverCommand.addAll(List.of("-cp", classpath, "chatlab.cli.ChatlabCommand", "serve", "--host", "127.0.0.1", "--port", "0", "--model"));
        List<String> shownCommand = new ArrayList<>(serverCommand);
        shownCommand.set(shownCommand.indexOf(classpath), "<the CLI's classpath>");
        JsonNode env = Environment.collect(settings.command(), settings.home(), settings.describe(shownCommand));
        Environment.write(runDir.resolve(Environment.FILE), env);
        out.printf(Locale.ROOT, "chatlab bench: %s suite(s) %s over %s -> %s%n", settings.profile(), settings.suites(),
                settings.impls(), settings.home().relativize(runDir));
        if (!pin) out.println("  (not pinned: taskset or a second CPU is missing; figures include the generator's interference)");

        Recorder recorder = new Recorder(runDir, out);
        List<String> generatorCommand = new ArrayList<>(pinned(pin, settings.generatorCpu()));
        generatorCommand.add(java);
        generatorCommand.addAll(settings.generatorJvmFlags());
        generatorCommand.addAll(List.of("-cp", classpath));
        GeneratorPool.Factory generators = n -> new GeneratorProcess(generatorCommand, raw.resolve("generator-" + n + ".log").toFile(), "generator-" + n);
        ServerLauncher launcher = model -> new SpawnedServer(model, serverCommand,
                raw.resolve(model + "-" + System.currentTimeMillis() + ".log"), Duration.ofSeconds(120));
        SuiteContext context = new SuiteContext(launcher, generators, recorder, settings.maxPerGenerator(),
                settings.sourceAddresses(), settings.perAddress(), settings.maxInFlight(),
                settings.perConnectionTimeout().toMillis(), settings.settle().toMillis());

        int failures = 0;
        for (Suite suite : settings.suites()) {
            if (suite == Suite.JMH) {
                failures += runJmh(runDir) ? 0 : 1;
                continue;
            }
            for (Impl impl : settings.impls()) {
                try {
                    switch (suite) {
                        case FLOOD -> new FloodSuite(context, settings.flood()).run(impl.model());
                        case BROADCAST -> new BroadcastSuite(context, settings.broadcast()).run(impl.model());
                        case ECHO -> new EchoSuite(context, settings.echo()).run(impl.model());
                        default -> throw new IllegalStateException(suite.toString());
                    }
                } catch (IOException | RuntimeException e) {
                    failures++;
                    recorder.say("  " + impl + " " + suite + " failed: " + e.getMessage());
                }
            }
        }
        RunData run = RunData.read(runDir);
        new ReportWriter(runDir.resolve("README.md"), ReportWriter.single(run), List.of(run)).write();
        List<RunData> all = RunData.readAll(settings.resultsDir().resolve("runs"));
        new ReportWriter(settings.resultsDir().resolve("README.md"), ReportWriter.choose(all), all).write();
        summary(run);
        out.println("files: " + settings.home().relativize(runDir) + "/ (data.csv, steps.csv, environment.json, *.png, README.md); "
                + settings.home().relativize(settings.resultsDir().resolve("README.md")) + " rebuilt");
        boolean errors = run.rows().stream().anyMatch(r -> r.errors() > 0);
        return failures > 0 || errors ? 1 : 0;
    }

    private boolean runJmh(Path runDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx2g", "-cp", classpath, JmhLauncher.class.getName(),
                runDir.resolve(RunData.JMH).toString(), settings.jmhQuick() ? "quick" : "full"));
        out.println("[jmh] " + (settings.jmhQuick() ? "quick" : "full") + " run in a forked JVM (JMH's own output follows)");
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(3, TimeUnit.HOURS)) {
                process.destroyForcibly();
                out.println("[jmh] did not finish within 3 hours; stopped");
                return false;
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
        out.println("[jmh] exit " + process.exitValue() + ", results in " + settings.home().relativize(runDir.resolve(RunData.JMH)));
        return process.exitValue() == 0;
    }

    private void summary(RunData run) {
        out.println();
        out.println(String.format(Locale.ROOT, "%-17s | %-36s | %-38s | %-30s", "impl", "flood: held, RSS/conn, threads",
                "broadcast: N held, p99, delivered/s", "echo: conns, p99, msg/s"));
        out.println("-".repeat(17) + "-+-" + "-".repeat(36) + "-+-" + "-".repeat(38) + "-+-" + "-".repeat(30));
        List<String> impls = new ArrayList<>();
        for (Impl impl : settings.impls()) impls.add(impl.model());
        for (String impl : impls) {
            String flood = "";
            Optional<ResultRow> f = run.rows("flood", impl).stream().filter(r -> r.connections() > 0 && r.errors() == 0).reduce((a, b) -> b);
            long baseline = run.rows("flood", impl).stream().filter(r -> r.connections() == 0).mapToLong(ResultRow::rssBytes).findFirst().orElse(0);
            if (f.isPresent()) {
                ResultRow r = f.get();
                flood = String.format(Locale.ROOT, "%,d, %s, %,d%s", r.connections(),
                        Format.bytes((r.rssBytes() - baseline) / (double) r.connections()), r.threads(),
                        run.rows("flood", impl).stream().anyMatch(x -> x.errors() > 0) ? " (stopped)" : "");
            } else if (!run.rows("flood", impl).isEmpty()) {
                flood = "none held";
            }
            String broadcast = "";
            long threshold = settings.broadcast().p99ThresholdMillis() * 1000;
            Optional<ResultRow> b = run.rows("broadcast", impl).stream().filter(r -> r.sent() > 0 && r.errors() == 0 && r.p99Us() <= threshold).reduce((x, y) -> y);
            if (b.isPresent()) {
                ResultRow r = b.get();
                broadcast = String.format(Locale.ROOT, "%,d, %s, %,.0f/s", r.clients(), Format.micros(r.p99Us()), r.deliveredPerS());
            } else if (!run.rows("broadcast", impl).isEmpty()) {
                broadcast = "none held";
            }
            String echo = "";
            Optional<ResultRow> e = run.rows("echo", impl).stream().filter(r -> r.sent() > 0).reduce((x, y) -> y);
            if (e.isPresent()) {
                ResultRow r = e.get();
                echo = String.format(Locale.ROOT, "%,d, %s, %,.0f/s%s", r.clients(), Format.micros(r.p99Us()), r.deliveredPerS(),
                        r.errors() > 0 ? " [" + r.errors() + " err]" : "");
            }
            out.println(String.format(Locale.ROOT, "%-17s | %-36s | %-38s | %-30s", impl, flood, broadcast, echo));
        }
        long errorRows = run.rows().stream().filter(r -> r.errors() > 0).count();
        out.println(errorRows == 0 ? "no errors: every message reached every recipient once"
                : errorRows + " step(s) with errors (lost, duplicated or failed); see the notes above and steps.csv");
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
