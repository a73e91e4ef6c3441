package chatlab.labs;

import chatlab.bench.results.Environment;
import chatlab.bench.results.Failure;
import chatlab.bench.results.Provenance;
import chatlab.bench.results.Report;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes a lab's {@code README.md} from its recorded run: the question, where the student's page
 * is, the provenance (and its warnings), the command, the servers, the lab's table, charts and
 * reading ({@link LabPage}), and the files. Nothing in it is typed by hand.
 */
public final class LabReport {

    public static final String PAGE = "README.md";

    private LabReport() {}

    /** @return the page written */
    public static Path write(Lab<?> lab, RunData run, Path home) throws IOException {
        Report report = new Report(run.dir().resolve(PAGE));
        JsonNode env = run.environment();
        JsonNode settings = env.path("settings");
        report.h1("Lab: " + lab.title());
        report.paragraph("**" + lab.question() + "**");
        report.paragraph("The hypothesis, what to look at, questions and their answers: [docs/labs/" + lab.name() + ".md]("
                + report.rel(home.resolve("docs").resolve("labs").resolve(lab.name() + ".md")) + "). This page is generated "
                + "from the files beside it (by `./chatlab lab " + lab.name() + "`, again by `./chatlab report`): no figure is "
                + "typed by hand, and a sentence that states an effect is there only when this run's data shows it.");
        Provenance.of(run).write(report, run);
        long elapsed = env.path("elapsedSeconds").asLong(-1);
        report.paragraph("Regenerate with `./chatlab lab " + lab.name() + "` (the default size) or `./chatlab lab " + lab.name()
                + " --full` (more steps, longer windows)" + (elapsed >= 0 ? String.format(Locale.ROOT,
                "; this run (%s size) took %d min %02d s", run.profile(), elapsed / 60, elapsed % 60) : "") + ".");
        for (Failure f : run.failures()) {
            report.warning("check failed: " + (f.impl().isEmpty() ? "" : "`" + f.impl() + "`")
                    + (f.connections() >= 0 ? " at " + f.connections() + " connections" : "") + ": " + f.reason());
        }
        servers(report, run, settings);
        report.h2("Results");
        lab.page().table(run).write(report);
        lab.page().write(report, run);
        files(report, run, lab.page());
        report.write();
        return report.target();
    }

    private static void servers(Report report, RunData run, JsonNode settings) {
        report.h2("Servers");
        report.table(List.of("server (label)", "model", "JVM flags of its own", "serve options of its own"));
        for (Variant v : LabData.variants(run)) {
            report.row(v.label(), v.model(), v.jvmFlags().isEmpty() ? "" : "`" + String.join(" ", v.jvmFlags()) + "`",
                    v.serveOptions().isEmpty() ? "" : "`" + String.join(" ", v.serveOptions()) + "`");
        }
        report.blank();
        report.paragraph("Each server ran in its own process, one after another, as `" + settings.path("serverCommand").asText("?")
                + "`, pinned to CPU " + settings.path("serverCpu").asText("?") + "; every Java server with the flags of "
                + "`server-jvm.options` (`" + settings.path("serverJvmFlags").asText("?") + "`), then its own (a later flag wins). "
                + "The load generator is the bench's, in child processes pinned to CPU " + settings.path("generatorCpu").asText("?")
                + " (`" + settings.path("generatorJvmFlags").asText("?") + "`). The machine: " + run.environment().path("cpuModel").asText("?")
                + ", " + run.environment().path("cores").asText("?") + " cores, kernel " + run.environment().path("kernel").asText("?")
                + ", " + run.environment().path("jdk").asText("?") + ".");
    }

    private static void files(Report report, RunData run, LabPage page) throws IOException {
        report.h2("Files");
        List<String> names;
        try (Stream<Path> listing = Files.list(run.dir())) {
            names = listing.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(PAGE) && !n.endsWith(".tmp")).sorted().toList();
        }
        for (String name : names) {
            String own = page.describe(name);
            report.bullet("[`" + name + "`](" + name + ")" + (own != null ? ": " + own : describe(name)));
        }
        report.blank();
        report.paragraph("`raw/` (not committed) holds the servers' and generators' logs.");
    }

    private static String describe(String name) {
        return switch (name) {
            case Environment.FILE -> ": the machine, the software, the commit, the command and every setting of this run";
            case "data.csv" -> ": one line per step of each server (the bench's columns, see results/README.md)";
            case "steps.csv" -> ": the kernel's TCP figures, the server's own connection count and a note per step";
            case "memory.csv" -> ": memory in parts per step (live heap, Native Memory Tracking categories, the kernel's)";
            case "failures.csv" -> ": the checks that failed";
            default -> name.endsWith(".png") ? ": a chart, drawn from the CSV files" : "";
        };
    }
}
