package chatlab.bench.results;

import chatlab.bench.Format;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The parts of a load suite's section (broadcast, echo, and any suite that records load steps)
 * that do not depend on the suite: the step matrix, the latency and throughput charts, and the
 * sentences every such section may say. Each sentence is computed from the run and is null when
 * the run does not show it.
 */
public final class LoadReading {

    /** A ratio of context switches per delivery at or above this between two implementations is worth a sentence. */
    public static final double SWITCH_RATIO = 2.0;

    private LoadReading() {}

    /** A table: one line per implementation, one column per N, {@code cell} of the row there. */
    public static void matrix(Report report, RunData run, String suite, String columnSuffix, Function<ResultRow, String> cell) {
        TreeSet<Long> ns = new TreeSet<>();
        for (ResultRow r : run.rows(suite)) ns.add(r.clients());
        List<String> header = new ArrayList<>();
        header.add("impl");
        for (long n : ns) header.add(Format.count(n) + columnSuffix);
        report.table(header);
        for (String impl : Impls.ordered(run.impls(suite))) {
            List<String> cells = new ArrayList<>();
            cells.add(impl);
            for (long n : ns) {
                cells.add(run.rows(suite, impl).stream().filter(r -> r.clients() == n).findFirst()
                        .map(r -> r.measured() ? cell.apply(r) : "failed [" + r.errors() + "]").orElse(""));
            }
            report.row(cells.toArray(String[]::new));
        }
        report.blank();
    }

    /** A matrix cell's throughput: delivered per second, and the share of the offered load when it fell short. */
    public static String delivered(ResultRow r) {
        double share = Figures.deliveredShare(r);
        return Format.count(r.deliveredPerS()) + "/s" + (!Double.isNaN(share) && share < Figures.KEPT_UP
                ? " (" + Format.percent(share) + " of offered)" : "");
    }

    /**
     * A load suite's two charts, linked into the report: p99 against N ({@code SUITE-p99.png}) and
     * deliveries that arrived against the offered load ({@code SUITE-throughput.png}).
     *
     * @param title    how the suite is called in the titles, {@code Broadcast}
     * @param latency  what its latency is, {@code delivery}
     * @param xTitle   what N counts, {@code clients}
     * @param delivered what a delivery is, {@code deliveries}
     */
    public static void charts(Report report, RunData run, String suite, String title, String latency, String xTitle, String delivered)
            throws IOException {
        report.image(title + ": p99 " + latency + " latency", p99Chart(run, suite, suite + "-p99.png",
                title + ": p99 " + latency + " latency", xTitle));
        report.image(title + ": delivered against offered", throughputChart(run, suite, suite + "-throughput.png",
                title + ": " + delivered + " per second that arrived in the window (offered dashed)", xTitle, delivered + " / s"));
    }

    /** p99 against N per implementation, on a log scale. */
    static Path p99Chart(RunData run, String suite, String file, String title, String xTitle) throws IOException {
        return Charts.xy(run.dir().resolve(file), title, xTitle, "p99 (ms, log scale)", true,
                Charts.perImpl(run, suite, Impls.ordered(run.impls(suite)), ResultRow::measured, ResultRow::clients,
                        r -> Math.max(0.001, r.p99Us() / 1000.0)));
    }

    /**
     * Deliveries that arrived in the window against N, per implementation, with the offered load
     * dashed: a server that falls behind leaves the dashed line.
     */
    static Path throughputChart(RunData run, String suite, String file, String title, String xTitle, String yTitle)
            throws IOException {
        List<Charts.Series> series = new ArrayList<>(Charts.perImpl(run, suite, Impls.ordered(run.impls(suite)), ResultRow::measured,
                ResultRow::clients, ResultRow::deliveredPerS));
        TreeMap<Long, Double> offered = new TreeMap<>();
        for (ResultRow r : run.rows(suite)) {
            if (r.measured() && !Double.isNaN(r.offeredPerS())) offered.merge(r.clients(), r.offeredPerS(), Math::max);
        }
        if (!offered.isEmpty()) {
            series.add(new Charts.Series("offered", offered.keySet().stream().map(Long::doubleValue).toList(),
                    new ArrayList<>(offered.values()), Color.BLACK, true));
        }
        return Charts.xy(run.dir().resolve(file), title, xTitle, yTitle, false, series);
    }

    /** The steps whose arrivals fell below {@link Figures#KEPT_UP} of the offered load. */
    public static String fellBehind(RunData run, String suite) {
        List<String> items = new ArrayList<>();
        for (String impl : Impls.ordered(run.impls(suite))) {
            List<String> steps = new ArrayList<>();
            for (ResultRow r : run.rows(suite, impl)) {
                double share = Figures.deliveredShare(r);
                if (r.measured() && !Double.isNaN(share) && share < Figures.KEPT_UP) {
                    steps.add(Format.count(r.clients()) + " (" + Format.count(r.deliveredPerS()) + " of " + Format.count(r.offeredPerS())
                            + "/s, " + Format.percent(share) + ")");
                }
            }
            if (!steps.isEmpty()) items.add(Impls.code(impl) + " at " + String.join(", ", steps));
        }
        if (items.isEmpty()) return null;
        return "Fell behind the offered load (deliveries that arrived in the window, against those the schedule asked for): "
                + String.join("; ", items) + ". What arrived later, during the drain, is in the latencies, not in the throughput.";
    }

    /**
     * That every implementation kept up at every measured step, so they differ in latency only:
     * said only when every measured step has an offered load and its arrivals reached
     * {@link Figures#KEPT_UP} of it.
     */
    public static String allKeptUp(RunData run, String suite) {
        List<ResultRow> measured = run.rows(suite).stream().filter(ResultRow::measured).toList();
        if (measured.isEmpty() || !measured.stream().allMatch(Figures::keptUp)) return null;
        return "Every implementation kept up with the offered load at every step measured (arrivals at least "
                + Format.percent(Figures.KEPT_UP) + " of it): here they differ in latency, not in throughput.";
    }

    /** At N = {@code n}: p99 from lowest, each against the lowest. */
    public static String p99Ranking(RunData run, String suite, long n, String what) {
        List<ResultRow> at = at(run, suite, n);
        if (at.isEmpty()) return null;
        at.sort(Comparator.comparingLong(ResultRow::p99Us));
        ResultRow best = at.get(0);
        return "At " + Format.count(n) + " " + what + ", p99 from lowest: " + String.join(", ", at.stream().map(r -> Impls.code(r.impl())
                + " " + Format.micros(r.p99Us()) + (r == best ? "" : " (" + Format.ratio(r.p99Us(), Math.max(1, best.p99Us())) + ")")).toList())
                + ".";
    }

    /** At N = {@code n}: the server's CPU time and context switches per delivered message, per implementation. */
    public static String costPerDelivery(RunData run, String suite, long n) {
        List<ResultRow> at = at(run, suite, n);
        List<String> items = new ArrayList<>();
        for (ResultRow r : at) {
            double switches = Figures.switchesPerDelivery(r);
            double cpu = Figures.cpuMicrosPerDelivery(r);
            if (Double.isNaN(switches) && Double.isNaN(cpu)) continue;
            items.add(Impls.code(r.impl()) + " " + Format.decimal(cpu) + " us and " + Format.decimal(switches) + " switches"
                    + (ResultRow.PROC_LIVE_THREADS.equals(r.usageSource()) ? " (live threads only)" : "")
                    + (r.gcPauseMs() >= 0 ? ", " + Format.count(r.gcPauseMs()) + " ms of GC pauses in all" : ""));
        }
        if (items.isEmpty()) return null;
        return "Server CPU time and context switches per delivered message over the load (warm-up, window and drain) at "
                + Format.count(n) + ", and the stop-the-world GC pauses of the whole load: " + String.join("; ", items) + ".";
    }

    /**
     * A comparison of context switches per delivery between the thread-per-connection models and
     * the event loop at N = {@code n}, said only for a model whose figure is at least
     * {@link #SWITCH_RATIO} times evented's (or at most its inverse), both measured the same way.
     *
     * @param why what makes a thread-per-connection model switch more in this suite, said after the figures that show it
     */
    public static String switchComparison(RunData run, String suite, long n, String why) {
        Optional<ResultRow> evented = at(run, suite, n).stream().filter(r -> r.impl().equals("evented")).findFirst();
        if (evented.isEmpty()) return null;
        double base = Figures.switchesPerDelivery(evented.get());
        if (Double.isNaN(base)) return null;
        List<String> more = new ArrayList<>();
        List<String> fewer = new ArrayList<>();
        for (ResultRow r : at(run, suite, n)) {
            if (!Impls.core(r.impl()) || r.impl().equals("evented") || !java.util.Objects.equals(r.usageSource(), evented.get().usageSource())) continue;
            double switches = Figures.switchesPerDelivery(r);
            if (Double.isNaN(switches)) continue;
            String item = Impls.code(r.impl()) + " " + Format.decimal(switches) + " (" + Format.ratio(switches, base) + ")";
            if (base > 0 && switches >= SWITCH_RATIO * base) more.add(item);
            else if (switches > 0 && base >= SWITCH_RATIO * switches) fewer.add(item);
        }
        List<String> sentences = new ArrayList<>();
        if (!more.isEmpty()) {
            sentences.add("Thread per connection switched more per delivered message than the event loop's "
                    + Format.decimal(base) + ": " + String.join(", ", more) + ". " + why);
        }
        if (!fewer.isEmpty()) {
            sentences.add("Fewer context switches per delivered message than the event loop's " + Format.decimal(base) + ": "
                    + String.join(", ", fewer) + ".");
        }
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }

    /** How busy the generators were at their busiest step: near a full core, they set the pace themselves. */
    public static String generatorLoad(RunData run, String suite) {
        double worst = 0;
        StepDetail worstStep = null;
        for (StepDetail d : run.details()) {
            if (!d.suite().equals(suite)) continue;
            double share = Figures.generatorCoreShare(d);
            if (!Double.isNaN(share) && share > worst) {
                worst = share;
                worstStep = d;
            }
        }
        if (worstStep == null) return null;
        return String.format(Locale.ROOT, "The generators' busiest step (`%s`, %s clients) used %.0f%% of their core over the load%s",
                worstStep.impl(), Format.count(worstStep.clients()), worst * 100,
                worst > 0.8 ? ": close to saturated, so the latencies of that step are partly the generators' own."
                        : ", so they were not what set the pace.");
    }

    /** The measured rows of {@code suite} at N = {@code n}, one per implementation, in the report's order. */
    public static List<ResultRow> at(RunData run, String suite, long n) {
        List<ResultRow> at = new ArrayList<>();
        for (String impl : Impls.ordered(run.impls(suite))) {
            run.rows(suite, impl).stream().filter(r -> r.clients() == n && r.measured()).findFirst().ifPresent(at::add);
        }
        return at;
    }
}
