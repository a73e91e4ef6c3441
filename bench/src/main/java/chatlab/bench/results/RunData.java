package chatlab.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One recorded run, read back from its directory: {@code environment.json}, {@code data.csv},
 * {@code steps.csv}, {@code memory.csv}, {@code failures.csv} and JMH's {@code jmh.json}, each
 * optional but the environment.
 */
public record RunData(String name, Path dir, JsonNode environment, List<ResultRow> rows, List<StepDetail> details,
                      List<MemoryPart> memory, List<Failure> failures, JsonNode jmh) {

    public static final String JMH = "jmh.json";

    public static RunData read(Path dir) throws IOException {
        JsonNode env = Files.exists(dir.resolve(Environment.FILE)) ? Environment.read(dir.resolve(Environment.FILE)) : MissingNode.getInstance();
        JsonNode jmh = Files.exists(dir.resolve(JMH)) ? Environment.MAPPER.readTree(dir.resolve(JMH).toFile()) : null;
        return new RunData(dir.getFileName().toString(), dir, env,
                ResultsCsv.readRows(dir.resolve(ResultsCsv.DATA)), ResultsCsv.readDetails(dir.resolve(ResultsCsv.STEPS)),
                ResultsCsv.readMemory(dir.resolve(ResultsCsv.MEMORY)), ResultsCsv.readFailures(dir.resolve(ResultsCsv.FAILURES)), jmh);
    }

    /**
     * Every run under {@code runsDir} that this harness can read, oldest first (by the time each
     * started). A directory it cannot read (a run of an older format) is named in {@code skipped}
     * with the reason, and left out.
     */
    public static List<RunData> readAll(Path runsDir, List<String> skipped) throws IOException {
        List<RunData> runs = new ArrayList<>();
        if (!Files.isDirectory(runsDir)) return runs;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runsDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                if (!Files.exists(dir.resolve(Environment.FILE))) continue;
                try {
                    runs.add(read(dir));
                } catch (IOException | RuntimeException e) {
                    skipped.add(dir.getFileName() + ": " + e.getMessage());
                }
            }
        }
        runs.sort(Comparator.comparing((RunData r) -> r.environment().path("created").asText()).thenComparing(RunData::name));
        return runs;
    }

    /** Whether the run has data of {@code suite}: rows in data.csv, or JMH's JSON for {@code jmh}. */
    public boolean has(String suite) {
        if (suite.equals("jmh")) return jmh != null;
        return rows.stream().anyMatch(r -> r.suite().equals(suite));
    }

    /** {@code quick} or {@code full}, as the run recorded it. */
    public String profile() { return environment.path("settings").path("profile").asText("full"); }

    /** The settings the run recorded for {@code suite} (its steps, rates, windows). */
    public JsonNode settings(String suite) { return environment.path("settings").path("suites").path(suite); }

    public List<ResultRow> rows(String suite) {
        return rows.stream().filter(r -> r.suite().equals(suite)).toList();
    }

    public List<ResultRow> rows(String suite, String impl) {
        return rows.stream().filter(r -> r.suite().equals(suite) && r.impl().equals(impl)).toList();
    }

    /** The implementations of a suite, in the order they were run. */
    public List<String> impls(String suite) {
        Set<String> impls = new LinkedHashSet<>();
        for (ResultRow row : rows(suite)) impls.add(row.impl());
        return List.copyOf(impls);
    }

    public Optional<StepDetail> detail(ResultRow row) {
        return details.stream().filter(d -> d.suite().equals(row.suite()) && d.impl().equals(row.impl())
                && d.connections() == row.connections() && d.clients() == row.clients()).reduce((a, b) -> b);
    }

    /** The notes of a suite and implementation (why its series stopped), in order. */
    public List<String> notes(String suite, String impl) {
        return details.stream().filter(d -> d.suite().equals(suite) && d.impl().equals(impl) && d.note() != null && !d.note().isBlank())
                .map(StepDetail::note).toList();
    }

    /** The memory parts recorded at one step, by part name. */
    public java.util.Map<String, Long> memory(String suite, String impl, long connections) {
        java.util.Map<String, Long> parts = new java.util.LinkedHashMap<>();
        for (MemoryPart p : memory) {
            if (p.suite().equals(suite) && p.impl().equals(impl) && p.connections() == connections) parts.put(p.part(), p.bytes());
        }
        return parts;
    }
}
