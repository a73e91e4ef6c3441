package chatlab.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a run's figures come from, said at the top of every section that shows them: the commit and
 * whether the tree was clean, when the run started and how loaded the machine was, and the command.
 * A run made on uncommitted code, or on a machine whose load average at the start was above one per
 * core, gets a warning in bold: its figures may not be the published code's, or may be other work's.
 *
 * @param loadAverage the one-minute load average when the run started, or NaN
 */
public record Provenance(String run, String commit, boolean dirty, double loadAverage, int cores, String started,
                         String command, String profile) {

    /** A load average above this many per core at the start makes a warning. */
    public static final double BUSY_PER_CORE = 1.0;

    public static Provenance of(RunData run) {
        JsonNode env = run.environment();
        return new Provenance(run.name(), env.path("gitCommit").asText("unknown"), env.path("gitDirty").asBoolean(true),
                firstNumber(env.path("loadAverageAtStart").asText("")), env.path("cores").asInt(0),
                env.path("created").asText("unknown"), env.path("command").asText("?"), run.profile());
    }

    /** The warnings this run deserves; none for a clean commit on a quiet machine. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (dirty) {
            warnings.add("run `" + run + "` was made on a tree with uncommitted changes: its figures may not be those of commit "
                    + shortCommit() + ".");
        }
        if (busy()) {
            warnings.add(String.format(Locale.ROOT, "the load average was %.2f on %d cores when run `%s` started (above %.1f per core):"
                    + " other work shared the CPUs, and every figure of this run includes it.", loadAverage, cores, run, BUSY_PER_CORE));
        }
        return warnings;
    }

    public boolean busy() {
        return !Double.isNaN(loadAverage) && cores > 0 && loadAverage > BUSY_PER_CORE * cores;
    }

    public String shortCommit() {
        return commit.length() >= 10 && commit.matches("[0-9a-f]+") ? commit.substring(0, 10) : commit;
    }

    /** The run's line, then its warnings: what opens a section. */
    public void write(Report report, RunData run) {
        String data = Files.exists(run.dir().resolve(ResultsCsv.DATA))
                ? "; data in [`data.csv`](" + report.rel(run.dir().resolve(ResultsCsv.DATA)) + ")" : "";
        report.paragraph(String.format(Locale.ROOT, "Run [`%s`](%s/) (%s), started %s by `%s` on commit `%s` (%s), load average %s"
                        + " on %d cores at the start%s.", run.name(), report.rel(run.dir()), profile, started, command, shortCommit(),
                dirty ? "with uncommitted changes" : "clean tree", Double.isNaN(loadAverage) ? "unknown" : String.format(Locale.ROOT, "%.2f", loadAverage),
                cores, data));
        for (String warning : warnings()) report.warning(warning);
    }

    private static double firstNumber(String loadavg) {
        try {
            return Double.parseDouble(loadavg.trim().split("\\s+")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
