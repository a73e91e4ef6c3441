package chatlab.bench.results;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The labs' recorded runs under {@code results/labs}: one directory per lab, named for it, holding
 * the latest run of that lab in the harness's own files ({@code environment.json}, {@code data.csv},
 * ...) and the lab's own CSV files. Read here for the results index, which needs no lab's code.
 */
public final class LabRuns {

    private LabRuns() {}

    /** Every lab directory that holds a readable run, in the labs' order ({@code settings.order}), then by name; none when {@code labsDir} is null or missing. */
    public static List<RunData> readAll(Path labsDir) throws IOException {
        List<RunData> runs = new ArrayList<>();
        if (labsDir == null || !Files.isDirectory(labsDir)) return runs;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(labsDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                if (!Files.exists(dir.resolve(Environment.FILE))) continue;
                try {
                    runs.add(RunData.read(dir));
                } catch (IOException | RuntimeException e) {
                    // A directory written by another version: the lab's own command rewrites it.
                }
            }
        }
        runs.sort(Comparator.comparingInt((RunData r) -> r.environment().path("settings").path("order").asInt(50))
                .thenComparing(RunData::name));
        return runs;
    }
}
