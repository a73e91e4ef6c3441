package chatlab.labs;

import chatlab.bench.results.Csv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file of a lab's own, rewritten whole after every record (like the recorder's files), so a
 * lab stopped half way keeps what it measured. Records are kept in memory too, for tests that run
 * a lab without a directory. Thread-safe (one lock).
 */
public final class LabCsv {

    private final Path file;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param file the file, or null to keep the records in memory only */
    public LabCsv(Path file, List<String> header) {
        this.file = file;
        this.header = List.copyOf(header);
    }

    public synchronized void add(List<String> row) throws IOException {
        addAll(List.of(row));
    }

    /** Several records, with one rewrite of the file. */
    public synchronized void addAll(List<List<String>> records) throws IOException {
        for (List<String> row : records) {
            if (row.size() != header.size()) throw new IllegalArgumentException(row.size() + " cells for " + header.size() + " columns");
            rows.add(List.copyOf(row));
        }
        if (file != null) Csv.write(file, header, rows);
    }

    public synchronized List<List<String>> rows() { return List.copyOf(rows); }
}
