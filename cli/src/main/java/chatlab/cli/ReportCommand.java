package chatlab.cli;

import chatlab.bench.results.LabRuns;
import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.RunData;
import chatlab.labs.LabReport;
import chatlab.labs.Labs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./chatlab report}: rebuilds {@code results/README.md}, each run's README, each lab's page and
 * every chart from the recorded data alone (the CSV files, environment.json, jmh.json). Nothing is measured.
 */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild results/README.md, the charts and each run's README.md from the recorded runs under results/runs/,",
            "and each lab's page and charts from its files under results/labs/.",
            "For each suite the README shows the latest full run that has it (else the latest quick one).",
            "With no run, results/README.md says so."})
public final class ReportCommand implements Callable<Integer> {

    @Mixin
    ResultsOptions options;

    @Override
    public Integer call() throws Exception {
        Path results = options.results();
        List<RunData> runs = RunData.readAll(results.resolve("runs"), new ArrayList<>());
        for (RunData run : runs) {
            new ReportWriter(run.dir().resolve("README.md"), ReportWriter.single(run), List.of(run), List.of()).write();
        }
        int labs = 0;
        for (RunData lab : LabRuns.readAll(results.resolve(ReportWriter.LABS))) {
            String name = lab.environment().path("settings").path("lab").asText(lab.name());
            try {
                LabReport.write(Labs.named(name), lab, options.home());
                labs++;
            } catch (IllegalArgumentException e) {
                System.out.println("left out: " + lab.dir() + " (" + e.getMessage() + ")");
            }
        }
        List<String> skipped = ReportWriter.rebuildIndex(results);
        for (String skip : skipped) System.out.println("left out (older format): " + skip);
        System.out.println(runs.isEmpty() && labs == 0
                ? "no runs under " + results.resolve("runs") + " and no labs under " + results.resolve(ReportWriter.LABS) + ": "
                        + results.resolve("README.md") + " says so; run ./chatlab bench or ./chatlab lab NAME"
                : "rebuilt " + results.resolve("README.md") + " from " + runs.size() + " run(s) and " + labs + " lab page(s)");
        return 0;
    }
}
