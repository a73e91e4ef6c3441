package chatlab.bench;

import chatlab.bench.results.ReportSection;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.util.List;

/**
 * A benchmark suite: what {@code ./chatlab bench NAME} runs and what its section of the report
 * says. A suite is a package of its own (see {@code chatlab.bench.flood}) with an implementation
 * of this interface registered in {@code META-INF/services/chatlab.bench.Suite} (any module on the
 * CLI's class path may add one); {@link Suites} finds it by name, {@code bench all} and the quick
 * suite include it as it says, and the report gives it a section computed from its own rows.
 *
 * @param <S> its settings: a record, written into {@code environment.json} as it is, so a run
 *            records exactly what it was told
 */
public interface Suite<S> {

    /** Its name on the command line and in results: lower case, no spaces. */
    String name();

    /** One line for {@code ./chatlab bench --help}. */
    String description();

    /** Where it comes in a run and in the report (the built-in suites use 10 to 90). */
    default int order() { return 50; }

    /** Whether {@code ./chatlab bench all} runs it. */
    default boolean inAll() { return true; }

    /** Whether the quick suite ({@code ./chatlab bench} with no suite) runs it, with its quick settings. */
    default boolean inQuick() { return false; }

    /** Its settings for a profile, with the command line's overrides applied. */
    S settings(Profile profile, Overrides overrides);

    /**
     * Runs it against {@code impls} (or once, for a suite that is not per implementation): rows,
     * memory parts and failed checks go to {@link SuiteContext#recorder()}. An exception ends the
     * suite and is recorded as a failure; {@link SuiteContext#forEach} keeps one implementation's
     * crash from stopping the others.
     */
    void run(S settings, SuiteContext context, List<Implementation> impls) throws IOException;

    /** Its section of a report, computed from a recorded run's files alone. */
    ReportSection section();
}
