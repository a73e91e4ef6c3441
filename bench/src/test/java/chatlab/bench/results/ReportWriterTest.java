package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report with nothing to show says so, plainly. */
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
}
