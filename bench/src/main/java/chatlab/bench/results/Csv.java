package chatlab.bench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results' CSV files: a header line, then one line per record; a cell holding a comma, a
 * quote or a line break is quoted (RFC 4180); an empty cell is a figure that was not measured.
 * Read by column name, so a file read back needs its columns, not their order. Written whole to a
 * temporary file and moved into place, so a reader never sees half a file.
 */
public final class Csv {

    private Csv() {}

    public static void write(Path file, List<String> header, List<List<String>> rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(line(header));
        for (List<String> row : rows) lines.add(line(row));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Every record of {@code file}, each a map from column name to cell.
     *
     * @param required the columns the reader needs
     * @throws IOException when a required column is missing (a file of another format or harness version)
     */
    public static List<Map<String, String>> read(Path file, List<String> required) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new IOException(file + " is empty");
        List<String> header = split(lines.get(0));
        List<String> missing = required.stream().filter(c -> !header.contains(c)).toList();
        if (!missing.isEmpty()) throw new IOException(file + " lacks the columns " + missing + " (another format)");
        List<Map<String, String>> records = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            List<String> cells = split(line);
            Map<String, String> record = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) record.put(header.get(i), i < cells.size() ? cells.get(i) : "");
            records.add(record);
        }
        return records;
    }

    /** A count or size; -1 (not measured) is an empty cell. */
    public static String cell(long value) {
        return value < 0 ? "" : Long.toString(value);
    }

    /** A rate; NaN (not measured) is an empty cell. */
    public static String cell(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** An empty cell is -1. */
    public static long longOf(String cell) {
        return cell == null || cell.isBlank() ? -1 : Long.parseLong(cell.trim());
    }

    /** An empty cell is NaN. */
    public static double doubleOf(String cell) {
        return cell == null || cell.isBlank() ? Double.NaN : Double.parseDouble(cell.trim());
    }

    static String line(List<String> cells) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.append(',');
            String cell = cells.get(i) == null ? "" : cells.get(i);
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                out.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                out.append(cell);
            }
        }
        return out.toString();
    }

    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
