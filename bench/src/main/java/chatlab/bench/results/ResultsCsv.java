package chatlab.bench.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The run's CSV files by name, written and read through {@link Csv}. */
public final class ResultsCsv {

    public static final String DATA = "data.csv";
    public static final String STEPS = "steps.csv";
    public static final String MEMORY = "memory.csv";
    public static final String FAILURES = "failures.csv";

    private ResultsCsv() {}

    public static void writeRows(Path file, List<ResultRow> rows) throws IOException {
        Csv.write(file, ResultRow.COLUMNS, rows.stream().map(ResultRow::cells).toList());
    }

    public static void writeDetails(Path file, List<StepDetail> details) throws IOException {
        Csv.write(file, StepDetail.COLUMNS, details.stream().map(StepDetail::cells).toList());
    }

    public static void writeMemory(Path file, List<MemoryPart> parts) throws IOException {
        Csv.write(file, MemoryPart.COLUMNS, parts.stream().map(MemoryPart::cells).toList());
    }

    public static void writeFailures(Path file, List<Failure> failures) throws IOException {
        Csv.write(file, Failure.COLUMNS, failures.stream().map(Failure::cells).toList());
    }

    public static List<ResultRow> readRows(Path file) throws IOException {
        return read(file, ResultRow.COLUMNS, ResultRow::of);
    }

    public static List<StepDetail> readDetails(Path file) throws IOException {
        return read(file, StepDetail.COLUMNS, StepDetail::of);
    }

    public static List<MemoryPart> readMemory(Path file) throws IOException {
        return read(file, MemoryPart.COLUMNS, MemoryPart::of);
    }

    public static List<Failure> readFailures(Path file) throws IOException {
        return read(file, Failure.COLUMNS, Failure::of);
    }

    /** The records of {@code file}, or none when it does not exist (a run without that part). */
    private static <T> List<T> read(Path file, List<String> columns, Function<Map<String, String>, T> parse) throws IOException {
        if (!Files.exists(file)) return List.of();
        return Csv.read(file, columns).stream().map(parse).toList();
    }
}
