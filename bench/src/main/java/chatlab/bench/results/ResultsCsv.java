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
        return read(file, ResultRow.COLUMNS, ResultRow::fromCsv);
    }

    public static List<StepDetail> readDetails(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        return read(file, StepDetail.COLUMNS, StepDetail::fromCsv);
    }

    private static void write(Path file, List<String> header, List<String> lines) throws IOException {
        List<String> all = new ArrayList<>();
        all.add(String.join(",", header));
        all.addAll(lines);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, all, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static <T> List<T> read(Path file, List<String> header, Function<String, T> parse) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).trim().equals(String.join(",", header))) {
            throw new IOException(file + ": header is not " + String.join(",", header));
        }
        List<T> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) rows.add(parse.apply(line));
        }
        return rows;
    }
}
