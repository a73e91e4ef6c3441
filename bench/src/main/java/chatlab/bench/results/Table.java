package chatlab.bench.results;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of figures computed once and shown twice: aligned on the terminal at the end of a run,
 * and in Markdown on the results page, so the two cannot disagree.
 */
public record Table(List<String> header, List<List<String>> rows) {

    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(r -> Arrays.asList(r.stream().map(c -> c == null ? "" : c).toArray(String[]::new))).toList();
    }

    /** A table being filled row by row. */
    public static final class Builder {
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        public Builder(List<String> header) {
            this.header = header;
        }

        public Builder row(String... cells) {
            rows.add(Arrays.asList(cells));
            return this;
        }

        public Builder row(List<String> cells) {
            rows.add(cells);
            return this;
        }

        public Table build() { return new Table(header, rows); }
    }

    public static Builder of(String... header) {
        return new Builder(List.of(header));
    }

    public boolean isEmpty() { return rows.isEmpty(); }

    /** In Markdown, into {@code report}. */
    public void write(Report report) {
        report.table(header);
        for (List<String> row : rows) report.row(row.toArray(String[]::new));
        report.blank();
    }

    /** Aligned in columns, the header underlined. */
    public void print(PrintStream out) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> line : lines) {
            for (int i = 0; i < Math.min(line.size(), widths.length); i++) widths[i] = Math.max(widths[i], line.get(i).length());
        }
        for (int l = 0; l < lines.size(); l++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                if (i > 0) text.append(" | ");
                String cell = i < lines.get(l).size() ? lines.get(l).get(i) : "";
                text.append(cell).append(" ".repeat(widths[i] - cell.length()));
            }
            out.println(text.toString().stripTrailing());
            if (l == 0) out.println("-".repeat(text.length()));
        }
    }
}
