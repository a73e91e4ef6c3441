package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results/README.md lists every lab that has a run, with its question and its provenance; and a table reads the same on both sides. */
class LabIndexTest {

    @TempDir
    Path results;

    private void lab(String name, String title, int order, boolean dirty, String load) throws Exception {
        Path dir = results.resolve(ReportWriter.LABS).resolve(name);
        Files.createDirectories(dir);
        ObjectNode env = TestRuns.environment(dirty, load);
        ObjectNode settings = (ObjectNode) env.get("settings");
        settings.put("lab", name).put("title", title).put("question", "What does " + name + " show?").put("order", order)
                .put("profile", "default");
        Environment.write(dir.resolve(Environment.FILE), env);
    }

    @Test
    void everyLabIsLinkedWithItsQuestionAndItsProvenanceInTheLabsOrder() throws Exception {
        lab("zebra", "Zebra lab", 10, false, "0.10 0.20 0.30 1/100 1");
        lab("alpha", "Alpha lab", 20, true, "5.00 4.00 3.00 1/100 1");
        Files.createDirectories(results.resolve(ReportWriter.LABS).resolve("empty")); // no run: left out
        ReportWriter.rebuildIndex(results);
        String text = Files.readString(results.resolve("README.md"));
        assertTrue(text.contains("## Labs"), text);
        assertTrue(text.contains("### [Zebra lab](labs/zebra/README.md)") && text.contains("What does zebra show?"), text);
        assertTrue(text.indexOf("Zebra lab") < text.indexOf("Alpha lab"), "the labs' own order, not the alphabet");
        assertTrue(text.contains("Run [`alpha`](labs/alpha/)") && text.contains("**Warning: run `alpha` was made on a tree with "
                + "uncommitted changes"), text);
        assertTrue(text.contains("**Warning: the load average was 5.00 on 2 cores when run `alpha` started"), text);
        assertFalse(text.contains("empty"), text);
        assertTrue(text.contains("## No run yet"), "no bench run: still said, with the labs beside it");
        assertTrue(text.contains("[the labs' guides](../docs/labs/README.md)"), text);
    }

    @Test
    void theLabsGuidesAreLinkedBeforeAnyLabHasRun() throws Exception {
        ReportWriter.rebuildIndex(results);
        String text = Files.readString(results.resolve("README.md"));
        assertTrue(text.contains("## Labs") && text.contains("[the labs' guides](../docs/labs/README.md)"), text);
        assertTrue(text.contains("No lab has a recorded run"), text);
    }

    @Test
    void aTablePrintsAlignedWhatItWritesInMarkdown() {
        Table table = Table.of("server", "figure").row("evented", "1.0 KiB").row("threaded-platform", "12 KiB").build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("server            | figure", lines.get(0));
        assertEquals("evented           | 1.0 KiB", lines.get(2));
        Report report = new Report(Path.of("README.md"));
        table.write(report);
        assertTrue(report.text().contains("| threaded-platform | 12 KiB |"), report.text());
    }
}
