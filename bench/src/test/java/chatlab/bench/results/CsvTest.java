package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results' CSV: quoted cells survive, an unmeasured figure is an empty cell, a file of another format is refused by name. */
class CsvTest {

    @TempDir
    Path dir;

    @Test
    void aNoteWithCommasAndQuotesRoundTrips() throws Exception {
        StepDetail step = new StepDetail("broadcast", "evented", 19_000, 19_000, 4096, 1, 2, 19_000, 15_000, 17_500, 30_120, -1,
                "not held: p99 1.52 s above 250 ms, first: \"u7\" closed");
        Path file = dir.resolve("steps.csv");
        ResultsCsv.writeDetails(file, List.of(step));
        assertEquals(List.of(step), ResultsCsv.readDetails(file));
        assertEquals("", Files.readAllLines(file).get(1).split(",")[11], "slow_consumer_closes not measured: an empty cell");
    }

    @Test
    void aFileOfAnotherFormatIsRefusedWithTheColumnsItLacks() throws Exception {
        Path file = dir.resolve("data.csv");
        Files.write(file, List.of("suite,impl,connections,clients,rss_bytes", "flood,evented,0,0,1"));
        IOException e = assertThrows(IOException.class, () -> ResultsCsv.readRows(file));
        assertEquals(true, e.getMessage().contains("offered_per_s"), e.getMessage());
    }
}
