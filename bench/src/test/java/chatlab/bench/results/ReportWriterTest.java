package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report with nothing to show says so, plainly; with several runs of a suite it shows the largest, latest one. */
class ReportWriterTest {

    @TempDir
    Path results;

    @Test
    void withNoRunTheReportSaysSoAndShowsNoFigure() throws Exception {
        Path readme = results.resolve("README.md");
        new ReportWriter(readme, Map.of(), List.of(), List.of("full-flood: lacks the columns [heap_live_bytes]")).write();
        String text = Files.readString(readme);
        assertTrue(text.contains("## No run yet") && text.contains("Run `./chatlab bench`"), text);
        assertTrue(text.contains("full-flood: lacks the columns"), "an unreadable old run is named: " + text);
        assertFalse(text.contains("## Flood") || text.contains("## Targets"), text);
    }

    @Test
    void aSuiteShowsItsLatestFullRunBeforeALaterStandardOrQuickOne() {
        RunData full = run("full", "full");
        RunData standard = run("standard", "standard");
        RunData quick = run("quick", "quick");
        assertEquals("full", ReportWriter.choose(List.of(full, standard, quick)).get("jmh").name());
        assertEquals("standard", ReportWriter.choose(List.of(quick, standard)).get("jmh").name());
        assertEquals("quick", ReportWriter.choose(List.of(quick)).get("jmh").name());
    }

    /** A run of the JMH suite alone (the one suite whose presence needs no rows) at {@code profile}. */
    private RunData run(String name, String profile) {
        var environment = Environment.MAPPER.createObjectNode();
        environment.putObject("settings").put("profile", profile);
        return new RunData(name, results.resolve(name), environment, List.of(), List.of(), List.of(), List.of(),
                Environment.MAPPER.createArrayNode());
    }
}
