package chatlab.labs.switches;

import chatlab.bench.Format;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Figures;
import chatlab.bench.results.LoadReading;
import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/** The context-switches lab's page: switches and CPU per delivered message per server and connection count, and a computed reading. */
final class ContextSwitchesPage implements LabPage {

    private static final String NAME = ContextSwitchesLab.NAME;
    /** A server's switches per delivery that change by less than this factor between connection counts "stayed level". */
    static final double LEVEL = 1.25;
    /** ... and by at least this factor "changed". */
    static final double CHANGED = 1.5;

    /** {@code count} (a row's switches of one kind, or both) per delivered message; NaN if unknown. */
    static double perDelivery(long count, ResultRow row) {
        return count < 0 || row.delivered() <= 0 ? Double.NaN : count / (double) row.delivered();
    }

    @Override
    public Table table(RunData run) {
        Table.Builder table = Table.of("server", "connections", "threads", "delivered / s (offered)", "switches / delivery",
                "voluntary", "involuntary", "CPU / delivery", "p99");
        for (String label : LabData.labels(run)) {
            for (ResultRow r : run.rows(NAME, label)) {
                if (!r.measured()) {
                    table.row(label, Format.count(r.clients()), Format.count(r.threads()), "not measured", "", "", "", "", "");
                    continue;
                }
                table.row(label, Format.count(r.clients()), Format.count(r.threads()),
                        Format.count(r.deliveredPerS()) + " (" + Format.count(r.offeredPerS()) + ")",
                        Format.decimal(perDelivery(r.ctxTotal(), r)) + (ResultRow.PROC_LIVE_THREADS.equals(r.usageSource()) ? " (live threads only)" : ""),
                        Format.decimal(perDelivery(r.ctxVoluntary(), r)), Format.decimal(perDelivery(r.ctxInvoluntary(), r)),
                        Format.decimal(Figures.cpuMicrosPerDelivery(r)) + " us", Format.micros(r.p99Us()));
            }
        }
        return table.build();
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        report.paragraph("The load: rooms of " + s.path("roomSize").asText("?") + ", one sender in each, " + s.path("messagesPerSecond").asText("?")
                + " chat messages per second in all (open loop, " + s.path("payloadBytes").asText("?") + " characters each), whatever "
                + "the number of connections, so each server has the same messages to deliver per second at every step; each message "
                + "goes to every member of its room, the sender included. Warm-up " + s.path("warmupMillis").asText("?") + " ms ("
                + s.path("firstWarmupMillis").asText("?") + " ms before a server's first window), measured window "
                + s.path("durationMillis").asText("?") + " ms. *Switches* are the server process's voluntary (a thread blocked: a read, a "
                + "queue, a lock) and involuntary (a thread preempted) context switches from its own `getrusage`, ended threads "
                + "included, over the whole load (warm-up, window, drain), divided by the deliveries; *CPU* likewise. Delivered and "
                + "offered count what arrived in the window and what the schedule asked for in it.");
        List<String> labels = LabData.labels(run);
        TreeSet<Long> ns = new TreeSet<>();
        for (ResultRow r : run.rows(NAME)) if (r.measured()) ns.add(r.clients());
        report.image("Context switches per delivered message", bars(run, labels, ns, "switches-per-delivery.png",
                "Context switches per delivered message (voluntary + involuntary)", "switches per delivery", ResultRow::ctxTotal));
        report.image("CPU time per delivered message", bars(run, labels, ns, "cpu-per-delivery.png",
                "Server CPU time per delivered message", "microseconds per delivery", r -> r.cpuMs() < 0 ? -1 : r.cpuMs() * 1000));
        report.h3("Reading");
        long largest = Figures.largestCommonMeasured(run, NAME, labels);
        if (largest > 0) {
            report.paragraph(LoadReading.switchComparison(run, NAME, largest, "Under thread per connection each message wakes the "
                    + "sender's reader thread, and each of its deliveries the recipient's writer thread (fan-out hands the frame to "
                    + "the recipient's queue, and that thread writes it); the event loop reads, fans out and writes on the one "
                    + "thread it runs on, and finds every ready socket in one `epoll_wait`."));
        }
        if (largest > 0) report.paragraph(LoadReading.costPerDelivery(run, NAME, largest));
        report.paragraph(mostlyVoluntary(LoadReading.at(run, NAME, largest)));
        report.paragraph(withConnections(run, labels));
        report.paragraph(LoadReading.fellBehind(run, NAME));
        report.paragraph(LoadReading.allKeptUp(run, NAME));
        report.paragraph(LoadReading.generatorLoad(run, NAME));
    }

    private static Path bars(RunData run, List<String> labels, TreeSet<Long> ns, String file, String title, String yTitle,
                                           ToLongFunction<ResultRow> count) throws IOException {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (long n : ns) {
            List<Double> values = new ArrayList<>();
            for (String label : labels) {
                values.add(run.rows(NAME, label).stream().filter(r -> r.clients() == n && r.measured()).findFirst()
                        .map(r -> perDelivery(count.applyAsLong(r), r)).orElse(Double.NaN));
            }
            series.put(Format.count(n) + " connections", values);
        }
        return Charts.grouped(run.dir().resolve(file), title, yTitle, labels, series, null);
    }

    /**
     * Which kind of switch dominated at {@code rows}' step: said for the servers whose voluntary
     * switches were at least 80% of their switches (threads that blocked and were woken, rather
     * than preempted), and separately for those where involuntary ones were at least half.
     */
    static String mostlyVoluntary(List<ResultRow> rows) {
        List<String> voluntary = new ArrayList<>();
        List<String> involuntary = new ArrayList<>();
        for (ResultRow r : rows) {
            if (r.ctxTotal() <= 0) continue;
            double share = r.ctxVoluntary() / (double) r.ctxTotal();
            String item = "`" + r.impl() + "` " + Format.percent(share) + " voluntary";
            if (share >= 0.8) voluntary.add(item);
            else if (share <= 0.5) involuntary.add(item);
        }
        List<String> sentences = new ArrayList<>();
        if (!voluntary.isEmpty()) {
            sentences.add("Most switches were voluntary, threads that blocked (in a read, on a queue, in `epoll_wait`) and were "
                    + "woken for the next message: " + String.join(", ", voluntary) + ".");
        }
        if (!involuntary.isEmpty()) {
            sentences.add("At least half were involuntary, threads preempted while they still had work (more runnable threads than "
                    + "cores): " + String.join(", ", involuntary) + ".");
        }
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }

    /**
     * How each server's switches per delivery changed from the fewest to the most connections at
     * the same message rate: level (within {@link #LEVEL}x) or changed (by {@link #CHANGED}x or more).
     */
    static String withConnections(RunData run, List<String> labels) {
        List<String> level = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long first = -1;
        long last = -1;
        for (String label : labels) {
            List<ResultRow> rows = run.rows(NAME, label).stream().filter(ResultRow::measured).toList();
            if (rows.size() < 2) continue;
            ResultRow a = rows.get(0);
            ResultRow b = rows.get(rows.size() - 1);
            double from = perDelivery(a.ctxTotal(), a);
            double to = perDelivery(b.ctxTotal(), b);
            if (Double.isNaN(from) || Double.isNaN(to) || from <= 0 || to <= 0) continue;
            first = first < 0 ? a.clients() : first;
            last = Math.max(last, b.clients());
            String item = String.format(Locale.ROOT, "`%s` %s to %s", label, Format.decimal(from), Format.decimal(to));
            double ratio = Math.max(from, to) / Math.min(from, to);
            if (ratio < LEVEL) level.add(item);
            else if (ratio >= CHANGED) changed.add(item + " (" + Format.ratio(to, from) + ")");
        }
        List<String> sentences = new ArrayList<>();
        if (!level.isEmpty()) {
            sentences.add("With the same messages per second, switches per delivery stayed level as connections grew from "
                    + Format.count(first) + " to " + Format.count(last) + ": " + String.join(", ", level)
                    + ": what a switch costs is paid per message, not per connection.");
        }
        if (!changed.isEmpty()) {
            sentences.add("They changed with the number of connections, at the same messages per second: " + String.join(", ", changed) + ".");
        }
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }
}
