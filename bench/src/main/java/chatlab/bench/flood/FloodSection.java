package chatlab.bench.flood;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.results.Charts;
import chatlab.bench.results.ConnectionParts;
import chatlab.bench.results.Figures;
import chatlab.bench.results.Impls;
import chatlab.bench.results.Report;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The flood's section: memory and threads per idle connection, the parts a connection's bytes go
 * to, and a reading whose every comparative sentence is computed here from the run and left out
 * when the run does not show it (each such sentence is a method returning null then).
 */
final class FloodSection implements ReportSection {

    private static final String NAME = FloodSuite.NAME;

    @Override
    public String title() { return "Flood: idle connections"; }

    @Override
    public void write(Report report, RunData run) throws IOException {
        List<String> impls = Impls.ordered(run.impls(NAME));
        report.paragraph("Connections opened in steps, each joined to a room of " + run.settings(NAME).path("roomSize").asText("?")
                + ", and left idle. After each step the server is sampled as a user sees it: RSS and threads from `/proc`. "
                + "Then it is asked for a full GC (`/stats?gc=1`, the live heap), for its Native Memory Tracking summary "
                + "(`jcmd PID VM.native_memory summary`, JVM servers) and the kernel's memory is read (`/proc/net/sockstat`, "
                + "`/proc/slabinfo`, `/proc/meminfo`); that full GC comes after the step's RSS, so the RSS is the one a user "
                + "sees, but it also means every step starts from a collected heap. *RSS / connection* is the growth over the "
                + "server's own RSS before its first connection, divided by the connections (the average); *marginal* is the "
                + "slope of RSS against connections over the steps (what one more connection costs, a fixed cost left out).");
        report.table(List.of("impl", "connections held", "RSS", "RSS / connection", "marginal / connection", "live heap / connection",
                "threads", "connect p99", "stopped because"));
        for (String impl : impls) {
            Optional<ResultRow> max = Figures.floodMax(run, impl);
            String stop = String.join("; ", run.notes(NAME, impl));
            if (max.isEmpty()) {
                report.row(impl, "0", "", "", "", "", "", "", stop);
                continue;
            }
            ResultRow r = max.get();
            report.row(impl, Format.count(r.connections()), Format.bytes(r.rssBytes()), Format.bytes(Figures.rssPerConnection(run, impl, r)),
                    Format.bytes(Figures.rssMarginal(run, impl)), Format.bytes(Figures.heapLivePerConnection(run, impl, r)),
                    Format.count(r.threads()), Format.micros(r.connectP99Us()), stop.isEmpty() ? "reached the last step" : stop);
        }
        report.blank();
        parts(report, run, impls);
        charts(report, run, impls);
        report.h3("Reading");
        Figures.CommonStep common = commonStep(run);
        if (common == null) {
            report.paragraph("The implementations share no step without errors; see the table.");
        } else {
            report.paragraph(ranking(run, common));
            report.paragraph(platformThreadPerConnection(common));
            report.paragraph(virtualThreadsHoldHeap(run, common));
            report.paragraph(largestParts(run, common));
        }
        report.paragraph(averageFallsWithN(run, impls));
        report.paragraph(fileLimitStops(run, impls));
        report.paragraph(otherStops(run, impls));
    }

    @Override
    public String summaryHeading() { return "flood: held, RSS/conn, marginal, live heap/conn, threads"; }

    @Override
    public String summary(RunData run, String impl) {
        if (run.rows(NAME, impl).isEmpty()) return null;
        return Figures.floodMax(run, impl).map(r -> Format.count(r.connections()) + ", " + Format.bytes(Figures.rssPerConnection(run, impl, r))
                + ", " + Format.bytes(Figures.rssMarginal(run, impl)) + ", " + Format.bytes(Figures.heapLivePerConnection(run, impl, r))
                + ", " + Format.count(r.threads())).orElse("none held");
    }

    @Override
    public void targets(Report report, RunData run) {
        memoryTargets(report, run);
        for (String impl : List.of("evented", "threaded-virtual")) {
            String what = "`" + impl + "` holds 19,000 or more open connections in one process with no errors";
            if (run.rows(NAME, impl).isEmpty()) {
                target(report, "not measured", what, "no flood run for " + impl);
                continue;
            }
            long held = Figures.floodMax(run, impl).map(ResultRow::connections).orElse(0L);
            long largestStep = run.rows(NAME, impl).stream().mapToLong(ResultRow::clients).max().orElse(0);
            if (held >= 19_000) {
                target(report, "met", what, Format.count(held) + " held");
            } else if (largestStep < 19_000 && run.notes(NAME, impl).isEmpty()) {
                target(report, "not measured", what, "this run's steps stopped at " + Format.count(largestStep)
                        + " (run `./chatlab bench flood`)");
            } else {
                target(report, "MISSED", what, Format.count(held) + " held; " + String.join("; ", run.notes(NAME, impl)));
            }
        }
        if (!run.rows(NAME, "threaded-platform").isEmpty()) {
            Optional<ResultRow> last = Figures.floodMax(run, "threaded-platform");
            long held = last.map(ResultRow::connections).orElse(0L);
            List<String> notes = run.notes(NAME, "threaded-platform");
            boolean fileLimit = notes.stream().anyMatch(n -> n.startsWith(SuiteContext.FILE_LIMIT_NOTE));
            String threads = last.map(r -> "; it ran " + Format.count(r.threads()) + " threads there, against the kernel's pid_max of "
                    + run.environment().path("pidMax").asText("?") + " (every thread takes a pid)"
                    + (fileLimit ? ", so the file limit came before the thread limit" : "")).orElse("");
            target(report, "shown", "`threaded-platform` goes as far as it can, and where and why it stops",
                    Format.count(held) + " held" + (notes.isEmpty() ? ", did not stop within this run's steps" : "; " + String.join("; ", notes))
                            + threads);
        }
        String rssWhat = "`evented` RSS per idle connection at or below Netty's and Jetty's";
        Figures.CommonStep common = Figures.commonFloodStep(run, List.of("evented", "netty", "jetty"));
        if (common == null) {
            target(report, "not measured", rssWhat, "evented, netty and jetty have no flood step in common without errors");
            return;
        }
        double evented = Figures.rssPerConnection(run, "evented", common.rows().get("evented"));
        List<String> figures = new ArrayList<>();
        boolean met = true;
        for (String peer : List.of("netty", "jetty")) {
            double p = Figures.rssPerConnection(run, peer, common.rows().get(peer));
            figures.add(peer + " " + Format.bytes(p));
            if (!(evented <= p)) met = false;
        }
        target(report, met ? "met" : "MISSED", rssWhat, "at " + Format.count(common.clients()) + " connections: evented "
                + Format.bytes(evented) + ", " + String.join(", ", figures));
    }

    static void target(Report report, String status, String what, String figure) {
        report.target(status, what, figure);
    }

    // ---- issue 9's memory targets, at 19,000 idle connections -------------------------------

    /** The flood step the memory targets are stated at. */
    static final long TARGET_STEP = 19_000;
    static final double VIRTUAL_HEAP_TARGET = 6 * 1024;
    static final double VIRTUAL_RSS_TARGET = 10 * 1024;
    static final double EVENTED_HEAP_TARGET = 1.5 * 1024;

    /**
     * {@code threaded-virtual}: live heap at most 6 KiB and RSS growth at most 10 KiB per idle
     * connection at 19,000 connections; {@code evented}: RSS growth at or below {@code node-ws}'s
     * there and live heap at most 1.5 KiB. A run whose steps stop short of 19,000 did not measure
     * them; a series that failed before it missed them.
     */
    static void memoryTargets(Report report, RunData run) {
        String virtualWhat = "`threaded-virtual` at " + Format.count(TARGET_STEP) + " idle connections: live heap at most "
                + Format.bytes(VIRTUAL_HEAP_TARGET) + " and RSS growth at most " + Format.bytes(VIRTUAL_RSS_TARGET) + " per connection";
        StepAt virtual = StepAt.of(run, "threaded-virtual", TARGET_STEP);
        if (virtual.row() == null) {
            target(report, virtual.status(), virtualWhat, virtual.reason());
        } else {
            double heap = Figures.heapLivePerConnection(run, "threaded-virtual", virtual.row());
            double rss = Figures.rssPerConnection(run, "threaded-virtual", virtual.row());
            String figure = "live heap " + Format.bytes(heap) + ", RSS growth " + Format.bytes(rss) + " per connection (RSS "
                    + Format.bytes(virtual.row().rssBytes()) + " in all)";
            if (Double.isNaN(heap) || Double.isNaN(rss)) target(report, NOT_MEASURED, virtualWhat, figure);
            else target(report, heap <= VIRTUAL_HEAP_TARGET && rss <= VIRTUAL_RSS_TARGET ? "met" : "MISSED", virtualWhat, figure);
        }

        String eventedWhat = "`evented` at " + Format.count(TARGET_STEP) + " idle connections: RSS growth per connection at or "
                + "below `node-ws`'s, live heap at most " + Format.bytes(EVENTED_HEAP_TARGET) + " per connection";
        StepAt evented = StepAt.of(run, "evented", TARGET_STEP);
        StepAt node = StepAt.of(run, "node-ws", TARGET_STEP);
        if (evented.row() == null) {
            target(report, evented.status(), eventedWhat, evented.reason());
            return;
        }
        double heap = Figures.heapLivePerConnection(run, "evented", evented.row());
        double rss = Figures.rssPerConnection(run, "evented", evented.row());
        String figure = "evented: RSS growth " + Format.bytes(rss) + " per connection (RSS " + Format.bytes(evented.row().rssBytes())
                + " in all), live heap " + Format.bytes(heap);
        if (node.row() == null) {
            target(report, NOT_MEASURED, eventedWhat, figure + "; node-ws: " + node.reason());
            return;
        }
        double nodeRss = Figures.rssPerConnection(run, "node-ws", node.row());
        figure += "; node-ws: RSS growth " + Format.bytes(nodeRss) + " (RSS " + Format.bytes(node.row().rssBytes()) + " in all)";
        if (Double.isNaN(heap) || Double.isNaN(rss) || Double.isNaN(nodeRss)) target(report, NOT_MEASURED, eventedWhat, figure);
        else target(report, rss <= nodeRss && heap <= EVENTED_HEAP_TARGET ? "met" : "MISSED", eventedWhat, figure);
    }

    static final String NOT_MEASURED = "not measured in this run";

    /**
     * An implementation's held flood row at {@code step}, or, when there is none, the target's
     * status and why: not measured when the run did not go that far (or has no series), MISSED when
     * the series reached or failed before it.
     */
    record StepAt(ResultRow row, String status, String reason) {

        static StepAt of(RunData run, String impl, long step) {
            if (run.rows(NAME, impl).isEmpty()) return new StepAt(null, NOT_MEASURED, "no flood run for " + impl);
            Optional<ResultRow> held = Figures.floodHeld(run, impl).stream().filter(r -> r.clients() == step).findFirst();
            if (held.isPresent()) return new StepAt(held.get(), "met", "");
            long largestStep = run.rows(NAME, impl).stream().mapToLong(ResultRow::clients).max().orElse(0);
            List<String> notes = run.notes(NAME, impl);
            if (largestStep < step && notes.isEmpty()) {
                return new StepAt(null, NOT_MEASURED, impl + "'s steps stopped at " + Format.count(largestStep)
                        + " (run `./chatlab bench flood`)");
            }
            String heldMost = Figures.floodMax(run, impl).map(r -> Format.count(r.connections())).orElse("0");
            return new StepAt(null, "MISSED", impl + " held " + heldMost + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
        }
    }

    // ---- where the bytes go ------------------------------------------------------------------

    private void parts(Report report, RunData run, List<String> impls) throws IOException {
        Figures.CommonStep common = commonStep(run);
        if (common == null) return;
        report.paragraph("Where one connection's bytes go, at " + Format.count(common.clients()) + " connections (growth over "
                + "the baseline, per connection; n/a where a part cannot be measured: Native Memory Tracking exists only in a JVM). "
                + "The first four add up to the RSS growth, which includes costs that do not grow with connections (the marginal "
                + "column above leaves them out); the kernel's part is outside every process's RSS, and is the whole machine's, so "
                + "it covers both ends of each connection (server and generator) and anything else running (it can even shrink, "
                + "when other work frees kernel memory meanwhile).");
        ConnectionParts.write(report, common, Impls.ordered(new ArrayList<>(common.rows().keySet())), run,
                run.dir().resolve("flood-memory-parts.png"));
    }

    private void charts(Report report, RunData run, List<String> impls) throws IOException {
        report.image("Flood: RSS growth per idle connection", Charts.xy(run.dir().resolve("flood-rss-per-connection.png"),
                "Flood: RSS growth per idle connection (average)", "connections", "KiB per connection", false,
                Charts.perImpl(run, NAME, impls, r -> r.connections() > 0 && r.errors() == 0, ResultRow::connections,
                        r -> Figures.rssPerConnection(run, r.impl(), r) / 1024)));
        List<Charts.Series> marginal = new ArrayList<>();
        for (String impl : impls) {
            List<double[]> points = Figures.rssStepMarginals(run, impl);
            if (points.isEmpty()) continue;
            marginal.add(new Charts.Series(impl, points.stream().map(p -> p[0]).toList(), points.stream().map(p -> p[1] / 1024).toList(),
                    Charts.color(impl), false));
        }
        report.image("Flood: marginal RSS per connection", Charts.xy(run.dir().resolve("flood-rss-marginal.png"),
                "Flood: RSS added per connection added, step by step", "connections", "KiB per added connection", false, marginal));
        report.image("Flood: live heap per connection", Charts.xy(run.dir().resolve("flood-heap-live-per-connection.png"),
                "Flood: live heap per idle connection (after a full GC)", "connections", "KiB per connection", false,
                Charts.perImpl(run, NAME, impls, r -> r.connections() > 0 && r.errors() == 0, ResultRow::connections,
                        r -> Figures.heapLivePerConnection(run, r.impl(), r) / 1024)));
        report.image("Flood: server threads", Charts.xy(run.dir().resolve("flood-threads.png"), "Flood: server threads",
                "connections", "threads", false, Charts.perImpl(run, NAME, impls, r -> r.errors() == 0, ResultRow::connections, ResultRow::threads)));
    }

    // ---- the reading: each sentence computed, null when the data does not show it ------------

    /** The largest step every implementation held, else the largest the core models held. */
    static Figures.CommonStep commonStep(RunData run) {
        Figures.CommonStep all = Figures.commonFloodStep(run, run.impls(NAME));
        return all != null ? all : Figures.commonFloodStep(run, run.impls(NAME).stream().filter(Impls::core).toList());
    }

    /** The implementations at the common step, from the lowest RSS per connection, each against evented's. */
    static String ranking(RunData run, Figures.CommonStep common) {
        List<String> impls = new ArrayList<>(common.rows().keySet());
        impls.removeIf(i -> Double.isNaN(Figures.rssPerConnection(run, i, common.rows().get(i))));
        if (impls.isEmpty()) return null;
        impls.sort(Comparator.comparingDouble(i -> Figures.rssPerConnection(run, i, common.rows().get(i))));
        ResultRow evented = common.rows().get("evented");
        double base = evented == null ? Double.NaN : Figures.rssPerConnection(run, "evented", evented);
        List<String> items = new ArrayList<>();
        for (String impl : impls) {
            ResultRow r = common.rows().get(impl);
            double per = Figures.rssPerConnection(run, impl, r);
            items.add(Impls.code(impl) + " " + Format.bytes(per) + (impl.equals("evented") || Double.isNaN(base) || base <= 0 ? ""
                    : " (" + Format.ratio(per, base) + " evented's)") + ", " + Format.count(r.threads()) + " threads");
        }
        return "At " + Format.count(common.clients()) + " idle connections, RSS growth per connection from lowest: "
                + String.join("; ", items) + ".";
    }

    /**
     * Platform threads cost a kernel thread per connection: said only when threaded-platform ran at
     * least 0.9 threads per connection and evented fewer than one per ten connections.
     */
    static String platformThreadPerConnection(Figures.CommonStep common) {
        ResultRow platform = common.rows().get("threaded-platform");
        ResultRow evented = common.rows().get("evented");
        if (platform == null || evented == null || platform.connections() <= 0 || platform.threads() < 0 || evented.threads() < 0) return null;
        double perConnection = platform.threads() / (double) platform.connections();
        if (perConnection < 0.9 || evented.threads() >= evented.connections() / 10.0) return null;
        return String.format(Locale.ROOT, "`threaded-platform` ran %s threads at %s connections (%.2f per connection): a kernel "
                        + "thread, with its own stack, for every idle connection; `evented` ran %s.",
                Format.count(platform.threads()), Format.count(platform.connections()), perConnection, Format.count(evented.threads()));
    }

    /**
     * Virtual threads keep few OS threads but their connections' state in the heap: said only when
     * threaded-virtual ran fewer than one OS thread per ten connections and its live heap per
     * connection was at least 1.5 times evented's.
     */
    static String virtualThreadsHoldHeap(RunData run, Figures.CommonStep common) {
        ResultRow virtual = common.rows().get("threaded-virtual");
        ResultRow evented = common.rows().get("evented");
        if (virtual == null || evented == null || virtual.threads() < 0) return null;
        double virtualHeap = Figures.heapLivePerConnection(run, "threaded-virtual", virtual);
        double eventedHeap = Figures.heapLivePerConnection(run, "evented", evented);
        if (Double.isNaN(virtualHeap) || Double.isNaN(eventedHeap) || eventedHeap <= 0) return null;
        if (virtual.threads() >= virtual.connections() / 10.0 || virtualHeap < 1.5 * eventedHeap) return null;
        return "`threaded-virtual` ran " + Format.count(virtual.threads()) + " OS threads for " + Format.count(virtual.connections())
                + " connections, yet each connection kept " + Format.bytes(virtualHeap) + " of live heap against `evented`'s "
                + Format.bytes(eventedHeap) + " (" + Format.ratio(virtualHeap, eventedHeap) + "): a parked virtual thread and what "
                + "its connection holds live in the heap.";
    }

    /** For each implementation at the common step, its largest measured part of a connection's RSS. */
    static String largestParts(RunData run, Figures.CommonStep common) {
        return ConnectionParts.largestParts(run, common, Impls.ordered(new ArrayList<>(common.rows().keySet())));
    }

    /**
     * A fixed cost amortised: said for the implementations whose average RSS per connection at
     * their first step was more than 1.25 times their marginal cost.
     */
    static String averageFallsWithN(RunData run, List<String> impls) {
        List<String> items = new ArrayList<>();
        for (String impl : impls) {
            List<ResultRow> held = Figures.floodHeld(run, impl);
            double marginal = Figures.rssMarginal(run, impl);
            if (held.size() < 2 || Double.isNaN(marginal) || marginal <= 0) continue;
            double first = Figures.rssPerConnection(run, impl, held.get(0));
            double last = Figures.rssPerConnection(run, impl, held.get(held.size() - 1));
            if (Double.isNaN(first) || first <= 1.25 * marginal) continue;
            items.add(Impls.code(impl) + " " + Format.bytes(first) + " at " + Format.count(held.get(0).connections()) + ", "
                    + Format.bytes(last) + " at " + Format.count(held.get(held.size() - 1).connections()) + ", marginal "
                    + Format.bytes(marginal));
        }
        return items.isEmpty() ? null : "The average per connection fell as connections grew, a fixed cost spread over more of "
                + "them, while the marginal cost stayed lower: " + String.join("; ", items) + ". Compare implementations by the "
                + "marginal figure, or at equal N.";
    }

    /** The series the server's file limit ended, and that none failed before it, when that is what the notes say. */
    static String fileLimitStops(RunData run, List<String> impls) {
        List<String> atFileLimit = new ArrayList<>();
        boolean othersFailed = false;
        for (String impl : impls) {
            List<String> notes = run.notes(NAME, impl);
            String held = Figures.floodMax(run, impl).map(r -> Format.count(r.connections())).orElse("0");
            if (notes.size() == 1 && notes.get(0).startsWith(SuiteContext.FILE_LIMIT_NOTE)) atFileLimit.add("`" + impl + "` " + held);
            else if (!notes.isEmpty()) othersFailed = true;
        }
        if (atFileLimit.isEmpty()) return null;
        return "Stopped by the server process's open-file limit, at what its own files and the " + SuiteContext.FILE_RESERVE
                + " kept free for `/stats` left for connections: " + String.join(", ", atFileLimit) + "."
                + (othersFailed ? "" : " No series stopped for another reason: no connection was refused and no server ran out of "
                + "memory or threads first.");
    }

    /** Where the other series stopped, from their notes. */
    static String otherStops(RunData run, List<String> impls) {
        List<String> stops = new ArrayList<>();
        for (String impl : impls) {
            List<String> notes = run.notes(NAME, impl);
            if (notes.isEmpty() || (notes.size() == 1 && notes.get(0).startsWith(SuiteContext.FILE_LIMIT_NOTE))) continue;
            stops.add("`" + impl + "` after " + Figures.floodMax(run, impl).map(r -> Format.count(r.connections())).orElse("0")
                    + ": " + String.join("; ", notes));
        }
        return stops.isEmpty() ? null : "Where other series stopped: " + String.join(". ", stops) + ".";
    }
}
