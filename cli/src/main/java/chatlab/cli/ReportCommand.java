package chatlab.cli;

import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.RunData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./chatlab report}: rebuilds {@code results/README.md}, each run's README and every chart
 * from the recorded data alone (the CSV files, environment.json, jmh.json). Nothing is measured.
 */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild results/README.md, the charts and each run's README.md from the recorded runs under results/runs/.",
            "For each suite the README shows the latest full run that has it (else the latest quick one).",
            "With no run, results/README.md says so."})
public final class ReportCommand implements Callable<Integer> {

    @Mixin
    ResultsOptions options;

    @Override
    public Integer call() throws Exception {
        Path results = options.results();
        List<String> skipped = new ArrayList<>();
        List<RunData> runs = RunData.readAll(results.resolve("runs"), skipped);
        for (RunData run : runs) {
            new ReportWriter(run.dir().resolve("README.md"), ReportWriter.single(run), List.of(run), List.of()).write();
        }
        new ReportWriter(results.resolve("README.md"), ReportWriter.choose(runs), runs, skipped).write();
        for (String skip : skipped) System.out.println("left out (older format): " + skip);
        System.out.println(runs.isEmpty()
                ? "no runs under " + results.resolve("runs") + ": " + results.resolve("README.md") + " says so; run ./chatlab bench"
                : "rebuilt " + results.resolve("README.md") + " from " + runs.size() + " run(s)");
        return 0;
    }
}
