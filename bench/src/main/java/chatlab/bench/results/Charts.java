package chatlab.bench.results;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's PNG charts, drawn with XChart from {@code data.csv} alone (so {@code ./chatlab report}
 * redraws them): one series per implementation.
 */
public final class Charts {

    /** A chart file and what it shows, for the report. */
    public record Chart(String file, String title) {}

    private Charts() {}

    /** Draws every chart the run has data for into {@code run.dir()}; returns them in report order. */
    public static List<Chart> draw(RunData run) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Chart> charts = new ArrayList<>();
        if (run.has("flood")) {
            charts.add(xy(run, "flood", "flood-rss-per-connection.png", "Flood: RSS growth per idle connection",
                    "connections", "KiB per connection", false, true, null));
            charts.add(xy(run, "flood", "flood-rss.png", "Flood: server RSS", "connections", "RSS (MiB)", false, false,
                    r -> r.rssBytes() / 1024.0 / 1024.0));
            charts.add(xy(run, "flood", "flood-threads.png", "Flood: server threads", "connections", "threads", false, false,
                    r -> r.threads()));
        }
        if (run.has("broadcast")) {
            charts.add(xy(run, "broadcast", "broadcast-p99.png", "Broadcast: p99 delivery latency", "clients",
                    "p99 (ms, log scale)", true, false, r -> Math.max(0.001, r.p99Us() / 1000.0)));
            charts.add(xy(run, "broadcast", "broadcast-throughput.png", "Broadcast: deliveries per second", "clients",
                    "messages delivered / s", false, false, ResultRow::deliveredPerS));
        }
        if (run.has("echo")) {
            charts.add(xy(run, "echo", "echo-p99.png", "Echo: p99 round-trip latency", "connections",
                    "p99 (ms, log scale)", true, false, r -> Math.max(0.001, r.p99Us() / 1000.0)));
            charts.add(xy(run, "echo", "echo-throughput.png", "Echo: messages per second", "connections",
                    "messages echoed / s", false, false, ResultRow::deliveredPerS));
        }
        return charts;
    }

    /**
     * One color per implementation, the same in every chart: the models in strong colors (blues for
     * the two thread-per-connection variants, red for the event loop), the peers in muted ones.
     */
    private static final Map<String, Color> COLORS = Map.of(
            "threaded-platform", new Color(0x1f, 0x3a, 0x93),
            "threaded-virtual", new Color(0x4f, 0x9d, 0xf2),
            "evented", new Color(0xd6, 0x27, 0x28),
            "jetty", new Color(0x2c, 0xa0, 0x2c),
            "java-websocket", new Color(0x8c, 0x56, 0x4b),
            "netty", new Color(0xff, 0x7f, 0x0e),
            "node-ws", new Color(0x94, 0x67, 0xbd));

    /**
     * @param perConnection y is (RSS - RSS at 0 connections) / connections, in KiB; {@code y} is ignored
     */
    private static Chart xy(RunData run, String suite, String file, String title, String xTitle, String yTitle,
                            boolean logY, boolean perConnection, ToDoubleFunction<ResultRow> y) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        boolean anySeries = false;
        double top = 0;
        for (String impl : run.impls(suite)) {
            List<ResultRow> rows = run.rows(suite, impl);
            long baseline = rows.stream().filter(r -> r.connections() == 0).mapToLong(ResultRow::rssBytes).findFirst().orElse(-1);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (ResultRow row : rows) {
                if (suite.equals("flood") && row.connections() == 0 && perConnection) continue;
                if (!suite.equals("flood") && (row.sent() == 0 || row.rssBytes() < 0)) continue;
                double value;
                if (perConnection) {
                    if (baseline < 0 || row.connections() <= 0) continue;
                    value = (row.rssBytes() - baseline) / 1024.0 / row.connections();
                } else {
                    value = y.applyAsDouble(row);
                }
                xs.add((double) (suite.equals("flood") ? row.connections() : row.clients()));
                ys.add(value);
            }
            if (xs.isEmpty()) continue;
            XYSeries series = chart.addSeries(impl, xs, ys);
            series.setMarker(SeriesMarkers.CIRCLE);
            Color color = COLORS.get(impl);
            if (color != null) {
                series.setLineColor(color);
                series.setMarkerColor(color);
            }
            top = Math.max(top, ys.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            anySeries = true;
        }
        // Room above the highest point, so that no series starts on the frame.
        if (!logY && top > 0) chart.getStyler().setYAxisMax(top * 1.08);
        if (!anySeries) chart.addSeries("no data", List.of(0.0), List.of(logY ? 1.0 : 0.0));
        BitmapEncoder.saveBitmap(chart, run.dir().resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return new Chart(file, title);
    }

    static Path path(RunData run, Chart chart) { return run.dir().resolve(chart.file()); }
}
