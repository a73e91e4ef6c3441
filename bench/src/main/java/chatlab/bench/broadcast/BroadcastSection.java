package chatlab.bench.broadcast;

import chatlab.bench.Format;
import chatlab.bench.results.Figures;
import chatlab.bench.results.Impls;
import chatlab.bench.results.LoadReading;
import chatlab.bench.results.Report;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.StepDetail;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The broadcast's section: the largest N each implementation held, latency and throughput by N, and a computed reading. */
final class BroadcastSection implements ReportSection {

    private static final String NAME = BroadcastSuite.NAME;

    @Override
    public String title() { return "Broadcast: fan-out in rooms"; }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = run.settings(NAME);
        List<String> impls = Impls.ordered(run.impls(NAME));
        report.paragraph("N clients in rooms of " + s.path("roomSize").asText("?") + "; one client in " + s.path("senderEvery").asText("?")
                + " says something " + s.path("ratePerSender").asText("?") + " time(s) a second, a " + s.path("payloadBytes").asText("?")
                + "-character text; every member (the sender included) must receive it once. Warm-up "
                + s.path("warmupMillis").asText("?") + " ms (" + s.path("firstWarmupMillis").asText("?")
                + " ms at the first step, which also warms the fresh server), measured window " + s.path("durationMillis").asText("?")
                + " ms. N steps up until p99 passes " + s.path("p99ThresholdMillis").asText("?") + " ms or anything is lost. "
                + "*Offered* is the deliveries per second the schedule asked for in the window; *delivered* those that arrived in it.");
        report.table(List.of("impl", "largest N held", "p50", "p99", "p99.9", "max", "offered / s", "delivered / s",
                "switches / delivery", "stopped because"));
        for (String impl : impls) {
            Optional<ResultRow> held = Figures.broadcastHeld(run, impl);
            String stop = String.join("; ", run.notes(NAME, impl));
            if (held.isEmpty()) {
                report.row(impl, "0", "", "", "", "", "", "", "", stop);
                continue;
            }
            ResultRow r = held.get();
            report.row(impl, Format.count(r.clients()), Format.micros(r.p50Us()), Format.micros(r.p99Us()), Format.micros(r.p999Us()),
                    Format.micros(r.maxUs()), Format.count(r.offeredPerS()), Format.count(r.deliveredPerS()),
                    Format.decimal(Figures.switchesPerDelivery(r)), stop.isEmpty() ? "reached the last step" : stop);
        }
        report.blank();
        report.paragraph("p99 delivery latency at each N, and the arrivals' share of the offered load where it fell below "
                + Format.percent(Figures.KEPT_UP) + " (errors in brackets):");
        LoadReading.matrix(report, run, NAME, " clients", r -> Format.micros(r.p99Us())
                + (Figures.keptUp(r) ? "" : ", " + Format.percent(Figures.deliveredShare(r)) + " delivered")
                + (r.errors() > 0 ? " [" + r.errors() + "]" : ""));
        LoadReading.charts(report, run, NAME, "Broadcast", "delivery", "clients", "deliveries");
        report.h3("Reading");
        report.paragraph(heldRanking(run, impls));
        long common = Figures.largestCommonMeasured(run, NAME, impls);
        if (common > 0) {
            report.paragraph(LoadReading.p99Ranking(run, NAME, common, "clients (the largest N every implementation was measured at)"));
            report.paragraph(LoadReading.costPerDelivery(run, NAME, common));
            report.paragraph(LoadReading.switchComparison(run, NAME, common, "A room message is queued for every member's writer "
                    + "thread, which must be woken to write it; the event loop writes every member's copy from the one thread it runs on."));
        }
        report.paragraph(partingStep(run, impls));
        report.paragraph(eventLoopSaturated(run));
        report.paragraph(LoadReading.fellBehind(run, NAME));
        report.paragraph(LoadReading.generatorLoad(run, NAME));
    }

    @Override
    public String summaryHeading() { return "broadcast: N held, p99, delivered/s"; }

    @Override
    public String summary(RunData run, String impl) {
        if (run.rows(NAME, impl).isEmpty()) return null;
        return Figures.broadcastHeld(run, impl).map(r -> Format.count(r.clients()) + ", " + Format.micros(r.p99Us()) + ", "
                + Format.count(r.deliveredPerS()) + "/s").orElse("none held");
    }

    @Override
    public void targets(Report report, RunData run) {
        nodeTailTarget(report, run);
        String p99What = "`evented` broadcast p99 at equal clients at or below every peer's";
        String heldWhat = "the largest N held by `evented` at least every peer's";
        if (run.rows(NAME, "evented").isEmpty()) {
            target(report, "not measured", p99What, "no broadcast run for evented");
            target(report, "not measured", heldWhat, "no broadcast run for evented");
            return;
        }
        List<String> misses = new ArrayList<>();
        int compared = 0;
        for (ResultRow e : run.rows(NAME, "evented")) {
            if (!e.measured()) continue;
            for (String peer : run.impls(NAME)) {
                if (Impls.core(peer)) continue;
                for (ResultRow p : run.rows(NAME, peer)) {
                    if (!p.measured() || p.clients() != e.clients()) continue;
                    compared++;
                    if (e.p99Us() > p.p99Us()) {
                        misses.add("N=" + Format.count(e.clients()) + ": evented " + Format.micros(e.p99Us()) + " > " + peer + " "
                                + Format.micros(p.p99Us()));
                    }
                }
            }
        }
        if (compared == 0) target(report, "not measured", p99What, "no peer measured at the same N");
        else target(report, misses.isEmpty() ? "met" : "MISSED", p99What, misses.isEmpty()
                ? "lowest or equal in all " + compared + " comparisons" : String.join("; ", misses));
        long eventedHeld = Figures.broadcastHeld(run, "evented").map(ResultRow::clients).orElse(0L);
        List<String> better = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String peer : Impls.ordered(run.impls(NAME))) {
            if (Impls.core(peer)) continue;
            long h = Figures.broadcastHeld(run, peer).map(ResultRow::clients).orElse(0L);
            all.add(peer + " " + Format.count(h));
            if (h > eventedHeld) better.add(peer + " " + Format.count(h));
        }
        if (all.isEmpty()) target(report, "not measured", heldWhat, "no peer in the broadcast run");
        else target(report, better.isEmpty() ? "met" : "MISSED", heldWhat, "evented " + Format.count(eventedHeld) + "; "
                + String.join(", ", all) + (lastStepReachedByAll(run) ? " (every implementation held the run's last step: the limit lies beyond it)" : ""));
    }

    private static void target(Report report, String status, String what, String figure) {
        report.target(status, what, figure);
    }

    /** The steps at which issue 9 compares the broadcast tail with Node's. */
    static final List<Long> NODE_TAIL_STEPS = List.of(2_000L, 5_000L);

    /**
     * {@code evented}'s broadcast p99 at or below {@code node-ws}'s at 2,000 and 5,000 clients, with
     * nothing lost by either: met only when both steps were measured for both and every comparison
     * holds; a step either of them was not measured at is named, and the target is then not
     * measured (unless another step already missed it).
     */
    static void nodeTailTarget(Report report, RunData run) {
        String what = "`evented` broadcast p99 at or below `node-ws`'s at " + String.join(" and ",
                NODE_TAIL_STEPS.stream().map(Format::count).toList()) + " clients, nothing lost";
        List<String> figures = new ArrayList<>();
        boolean missed = false;
        boolean absent = false;
        for (long n : NODE_TAIL_STEPS) {
            Optional<ResultRow> e = measuredAt(run, "evented", n);
            Optional<ResultRow> node = measuredAt(run, "node-ws", n);
            if (e.isEmpty() || node.isEmpty()) {
                absent = true;
                figures.add("N=" + Format.count(n) + ": " + (e.isEmpty() ? "evented" : "node-ws") + " not measured");
                continue;
            }
            ResultRow ev = e.get();
            ResultRow nd = node.get();
            boolean ok = ev.p99Us() <= nd.p99Us() && ev.errors() == 0;
            if (!ok) missed = true;
            figures.add("N=" + Format.count(n) + ": evented " + Format.micros(ev.p99Us()) + (ev.p99Us() <= nd.p99Us() ? " <= " : " > ")
                    + "node-ws " + Format.micros(nd.p99Us()) + lost("evented", ev) + lost("node-ws", nd));
        }
        String status = missed ? "MISSED" : absent ? "not measured in this run" : "met";
        target(report, status, what, String.join("; ", figures));
    }

    private static Optional<ResultRow> measuredAt(RunData run, String impl, long clients) {
        return run.rows(NAME, impl).stream().filter(r -> r.measured() && r.clients() == clients).findFirst();
    }

    private static String lost(String impl, ResultRow row) {
        return row.errors() == 0 ? "" : " (" + impl + " lost or duplicated " + Format.count(row.errors()) + ")";
    }

    private static boolean lastStepReachedByAll(RunData run) {
        long last = run.rows(NAME).stream().mapToLong(ResultRow::clients).max().orElse(0);
        for (String impl : run.impls(NAME)) {
            if (Figures.broadcastHeld(run, impl).map(ResultRow::clients).orElse(0L) != last) return false;
        }
        return true;
    }

    // ---- the reading -------------------------------------------------------------------------

    static String heldRanking(RunData run, List<String> impls) {
        if (impls.isEmpty()) return null;
        List<String> held = new ArrayList<>();
        for (String impl : impls) held.add(Impls.code(impl) + " " + Format.count(Figures.broadcastHeld(run, impl).map(ResultRow::clients).orElse(0L)));
        return "Largest N held: " + String.join(", ", held) + ".";
    }

    /**
     * At the largest N a reference server held, where the servers that still keep up part:
     * evented's p99 against the others'. Said only when evented's step there had no errors, and
     * when it is not the step every implementation shares (whose ranking is said already).
     */
    static String partingStep(RunData run, List<String> impls) {
        long peerBest = impls.stream().filter(i -> !Impls.core(i))
                .mapToLong(i -> Figures.broadcastHeld(run, i).map(ResultRow::clients).orElse(0L)).max().orElse(0);
        // At the step every implementation shares, the ranking above already says it.
        if (peerBest == 0 || peerBest == Figures.largestCommonMeasured(run, NAME, impls)) return null;
        List<ResultRow> at = new ArrayList<>(LoadReading.at(run, NAME, peerBest).stream().filter(r -> r.errors() == 0).toList());
        Optional<ResultRow> evented = at.stream().filter(r -> r.impl().equals("evented")).findFirst();
        if (evented.isEmpty() || at.size() < 2) return null;
        at.sort(Comparator.comparingLong(ResultRow::p99Us));
        long base = Math.max(1, evented.get().p99Us());
        return "At N = " + Format.count(peerBest) + ", the largest N a reference server held, p99 against evented's: "
                + String.join(", ", at.stream().map(r -> Impls.code(r.impl()) + " " + Format.micros(r.p99Us())
                + (r.impl().equals("evented") ? "" : " (" + Format.ratio(r.p99Us(), base) + ")")).toList()) + ".";
    }

    /**
     * evented's last measured step: how much of its core the server used. That one thread's core
     * was the limit is said only when the step was not held and the server used at least 90% of it.
     */
    static String eventLoopSaturated(RunData run) {
        List<ResultRow> measured = run.rows(NAME, "evented").stream().filter(ResultRow::measured).toList();
        if (measured.isEmpty()) return null;
        ResultRow last = measured.get(measured.size() - 1);
        Optional<StepDetail> detail = run.detail(last);
        double busy = Figures.serverCoreShare(run, last);
        if (detail.isEmpty() || Double.isNaN(busy)) return null;
        boolean held = Figures.broadcastHeld(run, "evented").map(r -> r.clients() == last.clients()).orElse(false);
        String sentence = String.format(Locale.ROOT, "evented's last step, %s clients (%s deliveries a second offered, %s arrived): "
                        + "over the %s ms of its load (warm-up, window and drain) the server process (one loop thread, plus the JVM's "
                        + "GC and JIT threads) used %s ms of CPU, %s of one core; the generators used %s of theirs.",
                Format.count(last.clients()), Format.count(last.offeredPerS()), Format.count(last.deliveredPerS()),
                Format.count(detail.get().sampledMs()), Format.count(last.cpuMs()), Format.percent(busy),
                Format.percent(Figures.generatorCoreShare(detail.get())));
        if (!held && busy >= 0.9) {
            sentence += " The server's core was full: one thread's CPU, not memory or threads, is where this event loop stopped.";
        }
        return sentence;
    }
}
