package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run on uncommitted code or a busy machine is flagged in bold; a clean one on a quiet machine is not. */
class ProvenanceTest {

    private static Provenance of(boolean dirty, String loadAverage) {
        return Provenance.of(TestRuns.withEnvironment(TestRuns.run(List.of()), TestRuns.environment(dirty, loadAverage)));
    }

    @Test
    void aCleanCommitOnAQuietMachineHasNoWarning() {
        assertEquals(List.of(), of(false, "1.90 1.00 0.50 1/100 1").warnings(), "1.9 on 2 cores is below one per core");
    }

    @Test
    void uncommittedChangesAreWarnedAbout() {
        List<String> warnings = of(true, "0.10 0.10 0.10 1/100 1").warnings();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("uncommitted changes") && warnings.get(0).contains("0123456789"), warnings.get(0));
    }

    @Test
    void aBusyMachineIsWarnedAbout() {
        List<String> warnings = of(false, "41.00 30.00 20.00 3/300 1").warnings();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("41.00 on 2 cores"), warnings.get(0));
    }

    @Test
    void theSectionLineCarriesCommitStateLoadAndStart() {
        Report report = new Report(Path.of("README.md"));
        RunData run = TestRuns.withEnvironment(TestRuns.run(List.of()), TestRuns.environment(true, "3.00 1 1 1/1 1"));
        Provenance.of(run).write(report, run);
        String text = report.text();
        assertTrue(text.contains("commit `0123456789` (with uncommitted changes)") && text.contains("load average 3.00 on 2 cores")
                && text.contains("started 2026-01-01T00:00:00Z"), text);
        assertTrue(text.contains("**Warning: run `test-run` was made on a tree with uncommitted changes"), text);
    }
}
