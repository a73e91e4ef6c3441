package chatlab.bench.results;

import chatlab.protocol.server.Implementation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts drawn with XChart from recorded rows alone (so {@code ./chatlab report} redraws them).
 * Each implementation has one color in every chart ({@link Implementation#rgb()}).
 */
public final class Charts {

    /** One line of an XY chart; a dashed one is drawn without markers (an offered load, a reference). */
    public record Series(String name, List<Double> xs, List<Double> ys, Color color, boolean dashed) {}

    private static final Color OTHER = new Color(0x55, 0x55, 0x55);
    private static final Color[] PART_COLORS = {new Color(0x4f, 0x9d, 0xf2), new Color(0x1f, 0x3a, 0x93),
            new Color(0xff, 0x7f, 0x0e), new Color(0xbb, 0xbb, 0xbb), new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd),
            new Color(0xd6, 0x27, 0x28), new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2), new Color(0x17, 0xbe, 0xcf),
            new Color(0xbc, 0xbd, 0x22), new Color(0x55, 0x55, 0x55)};

    private Charts() {}

    /** Colors for names that are not one of the seven (a student's classes), by the name's hash. */
    private static final Color[] OTHERS = {OTHER, new Color(0x17, 0xbe, 0xcf), new Color(0xbc, 0xbd, 0x22), new Color(0xe3, 0x77, 0xc2)};

    /** The implementation's color; for a name that is not one of the seven, one of a few others (grey first), the same for the same name. */
    public static Color color(String impl) {
        Implementation implementation = Implementation.find(impl);
        return implementation == null ? OTHERS[Math.floorMod(impl.hashCode(), OTHERS.length)] : new Color(implementation.rgb());
    }

    /** One series per implementation of {@code suite}: {@code y} against {@code x} over the rows {@code keep} accepts. */
    public static List<Series> perImpl(RunData run, String suite, List<String> impls, Predicate<ResultRow> keep,
                                       ToDoubleFunction<ResultRow> x, ToDoubleFunction<ResultRow> y) {
        return perImpl(run, suite, impls, keep, x, y, Charts::color);
    }

    /** The same, each series in the color {@code color} gives its name (a lab's variants of one model in shades of its color). */
    public static List<Series> perImpl(RunData run, String suite, List<String> impls, Predicate<ResultRow> keep,
                                       ToDoubleFunction<ResultRow> x, ToDoubleFunction<ResultRow> y, Function<String, Color> color) {
        List<Series> series = new ArrayList<>();
        for (String impl : impls) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (ResultRow row : run.rows(suite, impl)) {
                if (!keep.test(row)) continue;
                double value = y.applyAsDouble(row);
                if (Double.isNaN(value)) continue;
                xs.add(x.applyAsDouble(row));
                ys.add(value);
            }
            if (!xs.isEmpty()) series.add(new Series(impl, xs, ys, color.apply(impl), false));
        }
        return series;
    }

    /** An XY chart of {@code series}; "no data" when there are none. */
    public static Path xy(Path file, String title, String xTitle, String yTitle, boolean logY, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        double top = 0;
        for (Series s : series) {
            XYSeries drawn = chart.addSeries(s.name(), s.xs(), s.ys());
            drawn.setLineColor(s.color());
            drawn.setMarkerColor(s.color());
            if (s.dashed()) {
                drawn.setMarker(SeriesMarkers.NONE);
                drawn.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            } else {
                drawn.setMarker(SeriesMarkers.CIRCLE);
            }
            top = Math.max(top, s.ys().stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
        // Room above the highest point, so that no series starts on the frame.
        if (!logY && top > 0) chart.getStyler().setYAxisMax(top * 1.08);
        if (series.isEmpty()) chart.addSeries("no data", List.of(0.0), List.of(logY ? 1.0 : 0.0));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /**
     * A stacked bar chart: one bar per category (implementation), one stacked part per entry of
     * {@code parts} (values in category order; NaN and negative values drawn as 0, the report's
     * table shows them as they are).
     */
    public static Path stacked(Path file, String title, String yTitle, List<String> categories, Map<String, List<Double>> parts)
            throws IOException {
        return bars(file, title, yTitle, categories, parts, null, true, false);
    }

    /**
     * A grouped bar chart: one group per category (a server), one bar per entry of {@code series}
     * in it (values in category order; NaN and negative values drawn as 0), each series in its
     * color of {@code colors} (null: the parts' palette).
     */
    public static Path grouped(Path file, String title, String yTitle, List<String> categories, Map<String, List<Double>> series,
                               List<Color> colors) throws IOException {
        return bars(file, title, yTitle, categories, series, colors, false, false);
    }

    /** The same on a logarithmic axis, for figures orders of magnitude apart (values of 0 or less are not drawn). */
    public static Path groupedLog(Path file, String title, String yTitle, List<String> categories, Map<String, List<Double>> series,
                                  List<Color> colors) throws IOException {
        return bars(file, title, yTitle, categories, series, colors, false, true);
    }

    private static Path bars(Path file, String title, String yTitle, List<String> categories, Map<String, List<Double>> parts,
                             List<Color> colors, boolean stacked, boolean logY) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(600).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setStacked(stacked);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setOverlapped(false);
        int i = 0;
        Map<String, List<Double>> drawn = new LinkedHashMap<>(parts);
        if (categories.isEmpty()) {
            chart.addSeries("no data", List.of("none"), List.of(0.0));
        } else {
            // A bar grows from the axis' bottom, which XChart puts at 0 unless told: on a logarithmic axis, the power of ten
            // at or below the smallest positive value.
            if (logY) {
                double smallest = drawn.values().stream().flatMap(List::stream).filter(v -> v != null && v > 0)
                        .mapToDouble(Double::doubleValue).min().orElse(1);
                chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
            }
            for (Map.Entry<String, List<Double>> part : drawn.entrySet()) {
                List<Double> values = part.getValue().stream().map(v -> Double.isNaN(v) || v < 0 || (logY && v == 0) ? (logY ? null : 0.0) : v)
                        .toList();
                CategorySeries series = chart.addSeries(part.getKey(), categories, values);
                series.setFillColor(colors != null && i < colors.size() ? colors.get(i) : PART_COLORS[i % PART_COLORS.length]);
                i++;
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
