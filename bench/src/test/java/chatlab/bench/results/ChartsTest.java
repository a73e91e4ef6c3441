package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Charts drawn from real figures, including those a logarithmic axis cannot show. */
class ChartsTest {

    @TempDir
    Path dir;

    @Test
    void groupedBarsOnALogarithmicAxisAreDrawnWithZerosAndGapsLeftOut() throws Exception {
        Map<String, List<Double>> bars = new LinkedHashMap<>();
        bars.put("reserved", List.of(1024.0, 256.0, 8192.0));
        bars.put("committed", Arrays.asList(0.4, 0.0, Double.NaN));
        bars.put("rss", List.of(180.0, 190.0, 200.0));
        Path png = Charts.groupedLog(dir.resolve("log.png"), "stacks", "KiB (logarithmic)",
                List.of("threaded-platform", "-Xss256k", "-Xss8m"), bars, null);
        assertTrue(Files.size(png) > 1000, "a picture was written");
    }
}
