package chatlab.bench;

import chatlab.bench.results.Failure;
import chatlab.bench.results.MemoryPart;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.ResultsCsv;
import chatlab.bench.results.StepDetail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects a run's records and rewrites its files after every step (so an interrupted run keeps
 * what it measured): {@code data.csv} and {@code steps.csv}, {@code memory.csv} for the parts of a
 * step's memory, {@code failures.csv} for the checks that failed. Prints one progress line per step.
 * Thread-safe (one lock), though suites record from one thread.
 */
public final class Recorder {

    private final Path runDir;
    private final PrintStream progress;
    private final List<ResultRow> rows = new ArrayList<>();
    private final List<StepDetail> details = new ArrayList<>();
    private final List<MemoryPart> memory = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    /** @param runDir where the CSV files go, or null to keep everything in memory only */
    public Recorder(Path runDir, PrintStream progress) {
        this.runDir = runDir;
        this.progress = progress;
    }

    public synchronized void record(ResultRow row, StepDetail detail, String line) throws IOException {
        rows.add(row);
        details.add(detail);
        say(line);
        if (runDir != null) {
            ResultsCsv.writeRows(runDir.resolve(ResultsCsv.DATA), rows);
            ResultsCsv.writeDetails(runDir.resolve(ResultsCsv.STEPS), details);
        }
    }

    /** The parts of one step's memory, by part name ({@link MemoryPart}). */
    public synchronized void memory(String suite, String impl, long connections, Map<String, Long> parts) throws IOException {
        parts.forEach((part, bytes) -> memory.add(new MemoryPart(suite, impl, connections, part, bytes)));
        if (runDir != null) ResultsCsv.writeMemory(runDir.resolve(ResultsCsv.MEMORY), memory);
    }

    /** A check failed: the run will exit 1, and the report lists it. */
    public synchronized void fail(Failure failure) {
        failures.add(failure);
        say("  CHECK FAILED: " + failure.suite() + " " + failure.impl()
                + (failure.connections() >= 0 ? " at " + failure.connections() + " connections" : "") + ": " + failure.reason());
        if (runDir == null) return;
        try {
            ResultsCsv.writeFailures(runDir.resolve(ResultsCsv.FAILURES), failures);
        } catch (IOException e) {
            say("  (could not write " + ResultsCsv.FAILURES + ": " + e.getMessage() + ")");
        }
    }

    /** A line for the terminal that is not a step (a series stopped, an implementation failed to start). */
    public synchronized void say(String line) {
        progress.println(line);
        progress.flush();
    }

    public synchronized List<ResultRow> rows() { return List.copyOf(rows); }

    public synchronized List<StepDetail> details() { return List.copyOf(details); }

    public synchronized List<MemoryPart> memory() { return List.copyOf(memory); }

    public synchronized List<Failure> failures() { return List.copyOf(failures); }
}
