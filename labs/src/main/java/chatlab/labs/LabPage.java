package chatlab.labs;

import chatlab.bench.results.Report;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import java.io.IOException;

/**
 * A lab's part of its results page, computed from the recorded files alone, so that
 * {@code ./chatlab report} rebuilds it without measuring anything. {@link LabReport} writes what
 * every page has around it (the question, the command, the servers, the provenance, the files).
 */
public interface LabPage {

    /** The result table: printed at the end of the run and written at the top of the page. */
    Table table(RunData run);

    /**
     * The charts (drawn into the run's directory) and the reading. Every sentence that states an
     * effect is computed from the run by a method that returns null when the run does not show it.
     */
    void write(Report report, RunData run) throws IOException;

    /** What a CSV file of the lab's own holds, for the page's list of files; null for a file it does not write. */
    default String describe(String file) { return null; }
}
