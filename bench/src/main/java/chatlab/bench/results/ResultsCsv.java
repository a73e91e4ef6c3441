package chatlab.bench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads and writes {@code data.csv} and {@code steps.csv}. */
public final class ResultsCsv {

    public static final String DATA = "data.csv";
    public static final String STEPS = "steps.csv";

    private ResultsCsv() {}

    public static void writeRows(Path file, List<ResultRow> rows) throws IOException {
        write(file, ResultRow.COLUMNS, rows.stream().map(ResultRow::toCsv).toList());
    }

    public static void writeDetails(Path file, List<StepDetail> details) throws IOException {
        write(file, StepDetail.COLUMNS, details.stream().map(StepDetail::toCsv).toList());
    }

    public static List<ResultRow> readRows(Path file) throws IOException {
        return read(file, List.of(ResultRow.COLUMNS), ResultRow::fromCsv);
    }

    public static List<StepDetail> readDetails(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        return read(file, List.of(StepDetail.COLUMNS, StepDetail.COLUMNS_BEFORE_SAMPLED_MS), StepDetail::fromCsv);
    }

    private static void write(Path file, List<String> header, List<String> lines) throws IOException {
        List<String> all = new ArrayList<>();
        all.add(String.join(",", header));
        all.addAll(lines);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, all, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** @param headers the headers this file may have: the current one first, then older ones still read */
    private static <T> List<T> read(Path file, List<List<String>> headers, Function<String, T> parse) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String current = String.join(",", headers.get(0));
        if (lines.isEmpty() || headers.stream().noneMatch(h -> lines.get(0).trim().equals(String.join(",", h)))) {
            throw new IOException(file + ": header is not " + current);
        }
        List<T> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) rows.add(parse.apply(line));
        }
        return rows;
    }
}
