package chatlab.labs;

import chatlab.bench.BenchSettings;
import chatlab.bench.Launch;
import chatlab.bench.Recorder;
import chatlab.bench.ServerJvmFlags;
import chatlab.bench.SuiteContext;
import chatlab.bench.results.Environment;
import chatlab.bench.results.Failure;
import chatlab.bench.results.Provenance;
import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a {@code ./chatlab lab NAME}: the lab's servers one after another, each in its own process
 * pinned to CPU 1 and started as {@code chatlab serve} with the flags of {@code server-jvm.options}
 * plus the variant's own, the generators in child processes pinned to CPU 0, exactly as the bench
 * runs them. Writes {@code results/labs/NAME/} afresh (the recorder's CSV files, the lab's own,
 * {@code environment.json}, the charts and {@code README.md}), rebuilds {@code results/README.md},
 * and prints the result table.
 *
 * @param home    the repository root
 * @param results the results directory
 * @param command the command line as typed, for the record
 * @param pin     pin servers and generators with {@code taskset} where the machine allows it
 */
public record LabRunner(Path home, Path results, String command, boolean pin, PrintStream out) {

    /** Connections per generator process, source addresses and their connections: the bench's. */
    private static final int PER_GENERATOR = 15_000;
    private static final List<String> SOURCE_ADDRESSES = Arrays.asList(null, "127.0.0.2", "127.0.0.3", "127.0.0.4");
    private static final int PER_ADDRESS = 25_000;

    /** Where a lab's directory is: {@code results/labs/NAME}. */
    public static Path dir(Path results, String lab) {
        return results.resolve(ReportWriter.LABS).resolve(lab);
    }

    /**
     * @return 0 when every check held, 1 when one failed (a server died, a message was lost without
     *         a slow-consumer close, a part of the lab could not run); the files are written either way
     */
    public <S extends Lab.Settings> int run(Lab<S> lab, Size size, LabOptions options) throws IOException {
        S settings = lab.settings(size, options);
        if (settings.variants().isEmpty()) throw new IllegalArgumentException("no server of " + lab.name() + " is left by --impl");
        Path dir = dir(results, lab.name());
        deleteRecursively(dir);
        Path raw = dir.resolve("raw");
        Files.createDirectories(raw);
        Launch launch = Launch.of(home, pin, 1, 0, ServerJvmFlags.read(home), BenchSettings.GENERATOR_JVM_FLAGS);
        long settleMillis = size == Size.FULL ? 2_000 : 1_000;
        ObjectNode env = (ObjectNode) Environment.collect(command, home, describe(lab, size, settings, launch, settleMillis));
        Environment.write(dir.resolve(Environment.FILE), env);
        out.printf("chatlab lab %s (%s size): %s -> %s%n", lab.name(), size, settings.variants().stream().map(Variant::label).toList(),
                home.relativize(dir));
        out.println("  " + lab.question());
        for (String warning : Provenance.of(RunData.read(dir)).warnings()) out.println("WARNING: " + warning);
        if (!launch.pin()) out.println("  (not pinned: taskset or a second CPU is missing; figures include the generator's interference)");

        Recorder recorder = new Recorder(dir, out);
        SuiteContext harness = new SuiteContext(null, launch.generators(raw), recorder, dir, PER_GENERATOR, SOURCE_ADDRESSES,
                PER_ADDRESS, 50, 15_000, settleMillis);
        LabContext context = new LabContext(harness, variant -> new LabelledServer(variant,
                launch.servers(launch.serverCommand(variant.jvmFlags(), variant.serveOptions()), raw).start(variant.model())), dir);
        long start = System.nanoTime();
        try {
            lab.run(settings, context);
        } catch (IOException | RuntimeException e) {
            recorder.fail(new Failure(lab.name(), "", -1, "could not run: " + e.getMessage()));
        }
        env.put("elapsedSeconds", (System.nanoTime() - start) / 1_000_000_000L);
        Environment.write(dir.resolve(Environment.FILE), env);

        RunData run = RunData.read(dir);
        Path page = LabReport.write(lab, run, home);
        ReportWriter.rebuildIndex(results);
        out.println();
        lab.page().table(run).print(out);
        out.println(run.failures().isEmpty() ? "every check held"
                : run.failures().size() + " check(s) failed (exit 1): see " + home.relativize(dir.resolve("failures.csv")));
        out.printf(Locale.ROOT, "took %d min %02d s; page: %s (docs/labs/%s.md explains it); %s rebuilt%n",
                env.path("elapsedSeconds").asLong() / 60, env.path("elapsedSeconds").asLong() % 60, home.relativize(page), lab.name(),
                home.relativize(results.resolve("README.md")));
        return run.failures().isEmpty() ? 0 : 1;
    }

    /** What goes into {@code environment.json} under {@code settings}. */
    static Map<String, Object> describe(Lab<?> lab, Size size, Lab.Settings settings, Launch launch, long settleMillis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lab", lab.name());
        m.put("title", lab.title());
        m.put("question", lab.question());
        m.put("order", lab.order());
        m.put("profile", size.toString());
        m.put("variants", settings.variants());
        m.put("labSettings", settings);
        m.put("serverCommand", String.join(" ", launch.shown(launch.serverCommand(List.of("[VARIANT'S JVM FLAGS]"),
                List.of("[VARIANT'S SERVE OPTIONS]")))) + " MODEL");
        m.put("serverJvmFlags", String.join(" ", launch.serverJvmFlags()));
        m.put("generatorJvmFlags", String.join(" ", launch.generatorJvmFlags()));
        m.put("pinned", launch.pin());
        m.put("serverCpu", launch.pin() ? Integer.toString(launch.serverCpu()) : "any");
        m.put("generatorCpu", launch.pin() ? Integer.toString(launch.generatorCpu()) : "any");
        m.put("settleMillis", settleMillis);
        return m;
    }

    /** A lab's directory holds its latest run only: the previous one's files go, so nothing of it mixes in. */
    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) Files.delete(p);
    }
}
