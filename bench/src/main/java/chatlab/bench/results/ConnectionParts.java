package chatlab.bench.results;

import chatlab.bench.Format;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one idle connection's bytes go, as a table and a stacked bar chart: the parts of
 * {@link Figures#connectionParts} at a step several implementations share, per connection. Used by
 * the flood's section and by any page that steps idle connections the same way (a lab's).
 */
public final class ConnectionParts {

    private ConnectionParts() {}

    /**
     * @param shown the implementations (or a lab's labels) in the order of the table and the bars
     * @param png   where the chart goes
     */
    public static void write(Report report, Figures.CommonStep common, List<String> shown, RunData run, Path png) throws IOException {
        Map<String, List<Double>> stacks = new LinkedHashMap<>();
        for (String impl : shown) {
            for (Figures.Part part : Figures.connectionParts(run, impl, common.rows().get(impl))) {
                stacks.computeIfAbsent(part.label(), k -> new ArrayList<>()).add(part.bytesPerConnection());
            }
        }
        Map<String, List<Double>> kib = new LinkedHashMap<>();
        stacks.forEach((part, values) -> kib.put(part, values.stream().map(v -> v / 1024).toList()));
        List<String> header = new ArrayList<>(List.of("impl"));
        header.addAll(stacks.keySet());
        header.add(5, "= RSS growth");
        report.table(header);
        for (int i = 0; i < shown.size(); i++) {
            String impl = shown.get(i);
            List<String> cells = new ArrayList<>(List.of(impl));
            for (List<Double> values : stacks.values()) cells.add(Format.bytes(values.get(i)));
            cells.add(5, Format.bytes(Figures.rssPerConnection(run, impl, common.rows().get(impl))));
            report.row(cells.toArray(String[]::new));
        }
        report.blank();
        report.image("Where one connection's bytes go", Charts.stacked(png,
                "Where one idle connection's bytes go, at " + Format.count(common.clients()) + " connections", "KiB per connection",
                shown, kib));
        report.blank();
    }

    /** For each of {@code shown} at the common step, its largest measured part of a connection's RSS growth; null if none is known. */
    public static String largestParts(RunData run, Figures.CommonStep common, List<String> shown) {
        List<String> items = new ArrayList<>();
        for (String impl : shown) {
            ResultRow row = common.rows().get(impl);
            if (row == null) continue;
            double rss = Figures.rssPerConnection(run, impl, row);
            Figures.Part largest = null;
            for (Figures.Part part : Figures.connectionParts(run, impl, row)) {
                if (part.label().equals(Figures.KERNEL) || Double.isNaN(part.bytesPerConnection())) continue;
                if (largest == null || part.bytesPerConnection() > largest.bytesPerConnection()) largest = part;
            }
            if (largest == null || Double.isNaN(rss) || rss <= 0 || largest.bytesPerConnection() <= 0) continue;
            items.add(Impls.code(impl) + ": " + largest.label() + ", " + Format.bytes(largest.bytesPerConnection()) + " of "
                    + Format.bytes(rss) + " (" + Format.percent(largest.bytesPerConnection() / rss) + ")");
        }
        return items.isEmpty() ? null : "The largest part of a connection's RSS growth: " + String.join("; ", items) + ".";
    }
}
