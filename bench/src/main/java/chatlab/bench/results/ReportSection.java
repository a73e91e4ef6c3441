package chatlab.bench.results;

import java.io.IOException;

/**
 * One suite's part of a report, computed from a recorded run's files alone (so {@code ./chatlab
 * report} rebuilds it without measuring anything). Every sentence that states an effect is
 * computed from the run and left out when the run does not show it.
 */
public interface ReportSection {

    /** Its heading, for example {@code Flood: idle connections}. */
    String title();

    /** Writes the section (its charts included, drawn into the run's directory) after its heading. */
    void write(Report report, RunData run) throws IOException;

    /** Bullets for the report's "Targets" list: a target met, missed (with the figure) or not measured. None by default. */
    default void targets(Report report, RunData run) {}

    /** The heading of this suite's column in the terminal's summary table, e.g. {@code flood: held, RSS/conn}. */
    default String summaryHeading() { return title(); }

    /** {@code impl}'s cell in the terminal's summary table, or null when the suite has none for it. */
    default String summary(RunData run, String impl) { return null; }
}
