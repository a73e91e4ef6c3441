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

/** One recorded run, read back from its directory under {@code results/runs/}. */
public record RunData(String name, Path dir, JsonNode environment, List<ResultRow> rows, List<StepDetail> details, JsonNode jmh) {

    public static final String JMH = "jmh.json";

    public static RunData read(Path dir) throws IOException {
        JsonNode env = Files.exists(dir.resolve(Environment.FILE)) ? Environment.read(dir.resolve(Environment.FILE)) : MissingNode.getInstance();
        List<ResultRow> rows = Files.exists(dir.resolve(ResultsCsv.DATA)) ? ResultsCsv.readRows(dir.resolve(ResultsCsv.DATA)) : List.of();
        List<StepDetail> details = ResultsCsv.readDetails(dir.resolve(ResultsCsv.STEPS));
        JsonNode jmh = Files.exists(dir.resolve(JMH)) ? Environment.MAPPER.readTree(dir.resolve(JMH).toFile()) : null;
        return new RunData(dir.getFileName().toString(), dir, env, rows, details, jmh);
    }

    /** Every run under {@code runsDir}, oldest first (run names start with their UTC time). */
    public static List<RunData> readAll(Path runsDir) throws IOException {
        List<RunData> runs = new ArrayList<>();
        if (!Files.isDirectory(runsDir)) return runs;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runsDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                if (Files.exists(dir.resolve(Environment.FILE))) runs.add(read(dir));
            }
        }
        runs.sort(Comparator.comparing((RunData r) -> r.environment().path("created").asText()).thenComparing(RunData::name));
        return runs;
    }

    public boolean has(String suite) {
        if (suite.equals("jmh")) return jmh != null;
        return rows.stream().anyMatch(r -> r.suite().equals(suite));
    }

    /** {@code quick} or {@code full}, as the run recorded it. */
    public String profile() { return environment.path("settings").path("profile").asText("full"); }

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
        return details.stream().filter(d -> d.suite().equals(suite) && d.impl().equals(impl) && !d.note().isBlank())
                .map(StepDetail::note).toList();
    }
}
