package chatlab.bench;

import chatlab.bench.results.ResultRow;
import chatlab.bench.results.ResultsCsv;
import chatlab.bench.results.StepDetail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a run's rows, rewrites {@code data.csv} and {@code steps.csv} after every step (so an
 * interrupted run keeps what it measured), and prints one progress line per step.
 */
public final class Recorder {

    private final Path runDir;
    private final PrintStream progress;
    private final List<ResultRow> rows = new ArrayList<>();
    private final List<StepDetail> details = new ArrayList<>();

    /** @param runDir where the CSV files go, or null to keep rows in memory only */
    public Recorder(Path runDir, PrintStream progress) {
        this.runDir = runDir;
        this.progress = progress;
    }

    public synchronized void record(ResultRow row, StepDetail detail, String line) throws IOException {
        rows.add(row);
        details.add(detail);
        progress.println(line);
        progress.flush();
        if (runDir != null) {
            ResultsCsv.writeRows(runDir.resolve(ResultsCsv.DATA), rows);
            ResultsCsv.writeDetails(runDir.resolve(ResultsCsv.STEPS), details);
        }
    }

    /** A line for the terminal that is not a step (a series stopped, an implementation failed to start). */
    public synchronized void say(String line) {
        progress.println(line);
        progress.flush();
    }

    public synchronized List<ResultRow> rows() { return List.copyOf(rows); }

    public synchronized List<StepDetail> details() { return List.copyOf(details); }
}
