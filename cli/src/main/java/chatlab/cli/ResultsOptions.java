package chatlab.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the lab lives and where results go: shared by {@code bench} and {@code report}. */
public final class ResultsOptions {

    @Option(names = "--results", paramLabel = "DIR",
            description = "Results directory (default: results/ under the chatlab directory).")
    Path results;

    /** The repository root: the system property {@code chatlab.home} (set by ./chatlab), else the current directory. */
    Path home() {
        return Path.of(System.getProperty("chatlab.home", ".")).toAbsolutePath().normalize();
    }

    Path results() {
        return (results != null ? results : home().resolve("results")).toAbsolutePath().normalize();
    }
}
