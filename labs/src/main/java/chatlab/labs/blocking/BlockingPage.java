package chatlab.labs.blocking;

import chatlab.bench.Format;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.labs.LabContext;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import chatlab.labs.Variant;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The blocking-the-loop lab's page: the bystanders' latency over time, the blocker's answers, and a reading computed from them. */
final class BlockingPage implements LabPage {

    static final String TIMELINE = "timeline.csv";
    static final String BLOCKER = "blocker.csv";

    private static final String NAME = BlockingLab.NAME;
    private static final List<String> TIMELINE_COLUMNS = List.of("server", "startMillis", "deliveries", "meanMicros", "maxMicros");
    private static final List<String> BLOCKER_COLUMNS = List.of("server", "type", "millis", "sentAtMillis", "latencyMicros", "thread");

    /** The bystanders' deliveries of the messages intended in one bucket of time. */
    record Point(String server, long startMillis, long deliveries, long meanMicros, long maxMicros) {
        List<String> cells() {
            return List.of(server, Csv.cell(startMillis), Csv.cell(deliveries), Csv.cell(meanMicros), Csv.cell(maxMicros));
        }

        static Point of(Map<String, String> r) {
            return new Point(r.get("server"), Csv.longOf(r.get("startMillis")), Csv.longOf(r.get("deliveries")),
                    Csv.longOf(r.get("meanMicros")), Csv.longOf(r.get("maxMicros")));
        }
    }

    /** One lab message of the blocker and its answer ({@code latencyMicros} -1: none came). */
    record Request(String server, String type, long millis, long sentAtMillis, long latencyMicros, String thread) {
        List<String> cells() {
            return List.of(server, type, Csv.cell(millis), Csv.cell(sentAtMillis), Csv.cell(latencyMicros), thread);
        }

        static Request of(Map<String, String> r) {
            return new Request(r.get("server"), r.get("type"), Csv.longOf(r.get("millis")), Csv.longOf(r.get("sentAtMillis")),
                    Csv.longOf(r.get("latencyMicros")), r.get("thread"));
        }
    }

    /** A span of the run's time, in milliseconds from its start: {@code [from, to)}. */
    record Window(long from, long to) {
        boolean holds(long millis) { return millis >= from && millis < to; }
    }

    /**
     * When the run was quiet (after the warm-up, before the first burst) and when each kind of
     * work ran (from its first message until its last one's work was done).
     */
    record Phases(Window quiet, Map<String, Window> work, Map<String, Long> millis) {

        static Phases of(long warmupMillis, List<LoadPlan.Burst> bursts) {
            long first = bursts.stream().mapToLong(LoadPlan.Burst::fromMillis).min().orElse(Long.MAX_VALUE);
            Map<String, Window> work = new java.util.LinkedHashMap<>();
            Map<String, Long> millis = new java.util.LinkedHashMap<>();
            for (LoadPlan.Burst b : bursts) {
                work.put(b.work().type(), new Window(b.fromMillis(), b.toMillis() + b.work().millis()));
                millis.put(b.work().type(), (long) b.work().millis());
            }
            return new Phases(new Window(warmupMillis, first), work, millis);
        }

        /** As the run recorded its settings. */
        static Phases of(JsonNode settings) {
            List<LoadPlan.Burst> bursts = new ArrayList<>();
            for (JsonNode b : settings.path("bursts")) {
                bursts.add(new LoadPlan.Burst(new LoadPlan.Work(b.path("work").path("type").asText(), b.path("work").path("millis").asInt()),
                        b.path("fromMillis").asLong(), b.path("toMillis").asLong(), b.path("everyMillis").asLong()));
            }
            return of(settings.path("warmupMillis").asLong(), bursts);
        }
    }

    static void write(LabContext context, List<Point> timeline, List<Request> requests) throws IOException {
        if (context.dir() == null) return;
        Csv.write(context.file(TIMELINE), TIMELINE_COLUMNS, timeline.stream().map(Point::cells).toList());
        Csv.write(context.file(BLOCKER), BLOCKER_COLUMNS, requests.stream().map(Request::cells).toList());
    }

    /** The bystanders' worst latency over the buckets that start inside {@code window}; -1 without any. */
    static long worst(List<Point> points, Window window) {
        if (window == null) return -1;
        return points.stream().filter(p -> window.holds(p.startMillis()) && p.deliveries() > 0).mapToLong(Point::maxMicros).max().orElse(-1);
    }

    /**
     * The others' typical worst latency while the blocker's {@code type} ran: for each of its
     * requests, the worst latency of the deliveries meant to leave between the request and the end
     * of its work; the median of those over the requests (one stall of the machine's own does not
     * move it, a stall at every request does). -1 without any.
     */
    static long typicalDuring(List<Point> points, List<Request> requests, String type) {
        List<Long> worsts = new ArrayList<>();
        for (Request r : requests) {
            if (!r.type().equals(type)) continue;
            long w = worst(points, new Window(r.sentAtMillis(), r.sentAtMillis() + Math.max(1, r.millis())));
            if (w >= 0) worsts.add(w);
        }
        return medianOf(worsts);
    }

    /**
     * The others' typical worst latency in quiet windows as long as the work: the quiet span cut
     * into such windows, the median of their worst latencies. -1 without any.
     */
    static long typicalQuiet(List<Point> points, Window quiet, long millis) {
        List<Long> worsts = new ArrayList<>();
        for (long from = quiet.from(); from + millis <= quiet.to(); from += Math.max(1, millis)) {
            long w = worst(points, new Window(from, from + millis));
            if (w >= 0) worsts.add(w);
        }
        return medianOf(worsts);
    }

    /**
     * The others' latency around the blocker's requests of {@code type}, laid over each other: for
     * each offset from the request (one bucket before it to the next request), the median over the
     * requests of that bucket's worst latency. Offsets in milliseconds, latencies in microseconds.
     */
    static List<long[]> aroundRequests(List<Point> points, List<Request> requests, String type, long bucketMillis, long everyMillis) {
        List<long[]> curve = new ArrayList<>();
        for (long offset = -bucketMillis; offset < everyMillis; offset += bucketMillis) {
            List<Long> worsts = new ArrayList<>();
            for (Request r : requests) {
                if (!r.type().equals(type)) continue;
                long at = r.sentAtMillis() + offset;
                long w = worst(points, new Window(at, at + bucketMillis));
                if (w >= 0) worsts.add(w);
            }
            long median = medianOf(worsts);
            if (median >= 0) curve.add(new long[] {offset, median});
        }
        return curve;
    }

    private static long medianOf(List<Long> values) {
        if (values.isEmpty()) return -1;
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The median latency of the blocker's answered requests of {@code type}; -1 without any. */
    static long median(List<Request> requests, String type) {
        List<Long> latencies = requests.stream().filter(r -> r.type().equals(type) && r.latencyMicros() >= 0)
                .map(Request::latencyMicros).sorted().toList();
        return latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2);
    }

    /** Where the blocker's work ran, as the answers named the threads (numbers dropped: {@code chatlab-platform-N}). */
    static List<String> threads(List<Request> requests) {
        LinkedHashSet<String> kinds = new LinkedHashSet<>();
        for (Request r : requests) {
            if (r.thread() == null || r.thread().isEmpty()) continue;
            kinds.add(r.thread().startsWith("virtual:") ? "a virtual thread" : r.thread().replaceAll("-?\\d+$", "-N"));
        }
        return List.copyOf(kinds);
    }

    @Override
    public Table table(RunData run) {
        Table.Builder table = Table.of("server", "others' typical worst: quiet", "during a sleep", "during a compute",
                "the blocker's answer: sleep", "compute", "its work ran on", "deliveries (lost)");
        try {
            Phases phases = Phases.of(LabData.settings(run));
            List<Point> timeline = LabData.csv(run, TIMELINE, TIMELINE_COLUMNS).stream().map(Point::of).toList();
            List<Request> requests = LabData.csv(run, BLOCKER, BLOCKER_COLUMNS).stream().map(Request::of).toList();
            for (Variant v : LabData.variants(run)) {
                List<Point> mine = timeline.stream().filter(p -> p.server().equals(v.label())).toList();
                List<Request> asked = requests.stream().filter(r -> r.server().equals(v.label())).toList();
                if (mine.isEmpty() && asked.isEmpty()) continue;
                ResultRow row = run.rows(NAME, v.label()).stream().findFirst().orElse(null);
                table.row(v.label(), Format.micros(typicalQuiet(mine, phases.quiet(), phases.millis().getOrDefault("sleep", 0L))),
                        Format.micros(typicalDuring(mine, asked, "sleep")),
                        Format.micros(typicalDuring(mine, asked, "compute")), Format.micros(median(asked, "sleep")),
                        Format.micros(median(asked, "compute")), String.join(", ", threads(asked)),
                        row == null ? "n/a" : Format.count(row.delivered()) + " (" + Format.count(row.errors()) + ")");
            }
        } catch (IOException e) {
            table.row("unreadable: " + e.getMessage());
        }
        return table.build();
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        Phases phases = Phases.of(s);
        List<Point> timeline = LabData.csv(run, TIMELINE, TIMELINE_COLUMNS).stream().map(Point::of).toList();
        List<Request> requests = LabData.csv(run, BLOCKER, BLOCKER_COLUMNS).stream().map(Request::of).toList();
        List<String> labels = LabData.variants(run).stream().map(Variant::label).toList();
        report.paragraph(String.format(Locale.ROOT, "The load: %s connections in rooms of %s; every one but the first sends %s chat "
                        + "messages a second (open loop, %s characters each), which every member of its room receives: these are the "
                        + "*others*, whose latency is each delivery's, from the message's intended send time to its arrival, grouped "
                        + "by when it was meant to leave into buckets of %s ms. The first connection, the *blocker*, sends no chat; %s. "
                        + "Warm-up %s ms; the *quiet* buckets are those after it and before the first burst.%s",
                s.path("connections").asText("?"), s.path("roomSize").asText("?"),
                s.path("ratePerSender").asText("?"), s.path("payloadBytes").asText("?"), s.path("bucketMillis").asText("?"),
                describeBursts(s), s.path("warmupMillis").asText("?"),
                run.environment().path("settings").path("pinned").asBoolean(false)
                        ? " Each server ran on one core, so a worker thread shares that core with the loop: the kernel preempts the "
                        + "worker every few milliseconds to run the loop, which no code on the loop itself would do." : ""));
        report.image("The others' latency over time", Charts.xy(run.dir().resolve("latency-over-time.png"),
                "Others' worst latency per " + s.path("bucketMillis").asText("?") + " ms (" + describePhases(phases) + ")",
                "seconds from the start of the run (by intended send time)", "worst latency (ms)", true,
                timelineSeries(run, labels, timeline)));
        long bucket = s.path("bucketMillis").asLong(100);
        for (String type : phases.work().keySet()) {
            long every = everyMillis(s, type);
            report.image("The others' latency around each " + type, Charts.xy(run.dir().resolve("around-" + type + ".png"),
                    "Others' worst latency around each `" + type + "` of " + phases.millis().get(type) + " ms (median over the requests)",
                    "milliseconds from the request (by intended send time)", "worst latency (ms)", true,
                    aroundSeries(run, labels, timeline, requests, type, bucket, every)));
        }
        report.image("The blocker's own answers", Charts.xy(run.dir().resolve("blocker.png"),
                "The blocker's answers: sleep, then compute (" + describePhases(phases) + ")",
                "seconds from the start of the run (intended send time)", "latency of the answer (ms)", false,
                blockerSeries(run, labels, requests)));
        report.h3("Reading");
        for (String type : phases.work().keySet()) {
            report.paragraph(othersWaited(labels, timeline, requests, phases, type));
            report.paragraph(othersDidNotWait(labels, timeline, requests, phases, type));
        }
        report.paragraph(callerWaited(labels, requests, phases));
        report.paragraph(whereItRan(labels, requests));
    }

    @Override
    public String describe(String file) {
        return switch (file) {
            case TIMELINE -> "the others' deliveries per time bucket of each server: how many, mean and worst latency";
            case BLOCKER -> "each lab message of the blocker: its kind, when it was meant to leave, how long its answer took, and the thread that did the work";
            default -> null;
        };
    }

    private static long everyMillis(JsonNode s, String type) {
        for (JsonNode b : s.path("bursts")) {
            if (b.path("work").path("type").asText().equals(type)) return b.path("everyMillis").asLong();
        }
        return 500;
    }

    private static List<Charts.Series> aroundSeries(RunData run, List<String> labels, List<Point> timeline, List<Request> requests,
                                                    String type, long bucket, long every) {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : labels) {
            List<long[]> curve = aroundRequests(timeline.stream().filter(p -> p.server().equals(label)).toList(),
                    requests.stream().filter(r -> r.server().equals(label)).toList(), type, bucket, every);
            if (curve.isEmpty()) continue;
            series.add(new Charts.Series(label, curve.stream().map(c -> (double) c[0]).toList(),
                    curve.stream().map(c -> Math.max(0.01, c[1] / 1000.0)).toList(), LabData.color(run, label), false));
        }
        return series;
    }

    private static String describeBursts(JsonNode s) {
        List<String> parts = new ArrayList<>();
        for (JsonNode b : s.path("bursts")) {
            parts.add(String.format(Locale.ROOT, "`%s` of %s ms every %s ms from %.1f s to %.1f s", b.path("work").path("type").asText(),
                    b.path("work").path("millis").asText(), b.path("everyMillis").asText(), b.path("fromMillis").asLong() / 1000.0,
                    b.path("toMillis").asLong() / 1000.0));
        }
        return "it sends " + String.join(", then ", parts);
    }

    private static String describePhases(Phases phases) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Window> e : phases.work().entrySet()) {
            parts.add(String.format(Locale.ROOT, "%s %.1f-%.1f s", e.getKey(), e.getValue().from() / 1000.0, e.getValue().to() / 1000.0));
        }
        return String.join(", ", parts);
    }

    private static List<Charts.Series> timelineSeries(RunData run, List<String> labels, List<Point> timeline) {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : labels) {
            List<Point> mine = timeline.stream().filter(p -> p.server().equals(label) && p.deliveries() > 0).toList();
            if (mine.isEmpty()) continue;
            series.add(new Charts.Series(label, mine.stream().map(p -> p.startMillis() / 1000.0).toList(),
                    mine.stream().map(p -> Math.max(0.01, p.maxMicros() / 1000.0)).toList(), LabData.color(run, label), false));
        }
        return series;
    }

    private static List<Charts.Series> blockerSeries(RunData run, List<String> labels, List<Request> requests) {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : labels) {
            List<Request> mine = requests.stream().filter(r -> r.server().equals(label) && r.latencyMicros() >= 0).toList();
            if (mine.isEmpty()) continue;
            series.add(new Charts.Series(label, mine.stream().map(r -> r.sentAtMillis() / 1000.0).toList(),
                    mine.stream().map(r -> r.latencyMicros() / 1000.0).toList(), LabData.color(run, label), false));
        }
        return series;
    }

    /**
     * The servers whose other clients waited for the blocker's {@code type}: their typical worst
     * latency during a request ({@link #typicalDuring}) was at least half the work's length and at
     * least three times the typical worst of a quiet window as long. Null when no server shows it.
     */
    static String othersWaited(List<String> labels, List<Point> timeline, List<Request> requests, Phases phases, String type) {
        long millis = phases.millis().getOrDefault(type, 0L);
        List<String> items = typicalWhere(labels, timeline, requests, phases, type,
                (quiet, during) -> during >= millis * 1000 / 2 && during >= 3 * quiet);
        if (items.isEmpty()) return null;
        return String.format(Locale.ROOT, "While the blocker's `%s` of %d ms ran, the other clients waited for it: their typical worst "
                + "latency during a request was %s. One thread serves every connection there, and while it runs one client's "
                + "request it reads, writes and fans out for no one else.", type, millis, String.join(", ", items));
    }

    /**
     * The servers whose other clients did not wait for the blocker's {@code type}: their typical
     * worst latency during a request stayed under a quarter of the work's length. Null when none.
     */
    static String othersDidNotWait(List<String> labels, List<Point> timeline, List<Request> requests, Phases phases, String type) {
        long millis = phases.millis().getOrDefault(type, 0L);
        List<String> items = typicalWhere(labels, timeline, requests, phases, type, (quiet, during) -> during < millis * 1000 / 4);
        if (items.isEmpty()) return null;
        return String.format(Locale.ROOT, "While the blocker's `%s` of %d ms ran, the other clients did not wait for it, their typical "
                + "worst latency during a request staying under a quarter of it: %s.", type, millis, String.join(", ", items));
    }

    /**
     * The servers whose typical worst latency, quiet and during the blocker's {@code type}, {@code holds},
     * each as {@code `server` DURING (quiet: QUIET)}.
     */
    private static List<String> typicalWhere(List<String> labels, List<Point> timeline, List<Request> requests, Phases phases,
                                             String type, java.util.function.BiPredicate<Long, Long> holds) {
        List<String> items = new ArrayList<>();
        for (String label : labels) {
            long[] figures = typical(label, timeline, requests, phases, type);
            if (figures != null && holds.test(figures[0], figures[1])) {
                items.add(String.format(Locale.ROOT, "`%s` %s (quiet: %s)", label, Format.micros(figures[1]), Format.micros(figures[0])));
            }
        }
        return items;
    }

    /** A server's typical worst latency: quiet, and during the blocker's {@code type}; null when either is unknown. */
    private static long[] typical(String label, List<Point> timeline, List<Request> requests, Phases phases, String type) {
        List<Point> mine = timeline.stream().filter(p -> p.server().equals(label)).toList();
        List<Request> asked = requests.stream().filter(r -> r.server().equals(label)).toList();
        long quiet = typicalQuiet(mine, phases.quiet(), phases.millis().getOrDefault(type, 0L));
        long during = typicalDuring(mine, asked, type);
        return quiet < 0 || during < 0 ? null : new long[] {quiet, during};
    }

    /**
     * Whether the blocker itself waited at least its work's length for every kind of work, in
     * every server (the median answer). Null when a server has no answers or answered faster.
     */
    static String callerWaited(List<String> labels, List<Request> requests, Phases phases) {
        List<String> items = new ArrayList<>();
        for (String label : labels) {
            List<Request> mine = requests.stream().filter(r -> r.server().equals(label)).toList();
            if (mine.isEmpty()) continue;
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, Long> work : phases.millis().entrySet()) {
                long median = median(mine, work.getKey());
                if (median < work.getValue() * 1000) return null;
                parts.add(work.getKey() + " " + Format.micros(median));
            }
            items.add("`" + label + "` " + String.join(", ", parts));
        }
        if (items.isEmpty()) return null;
        return "The blocker itself waited at least as long as its work in every server (median answers: " + String.join("; ", items)
                + "): the caller always waits; the models differ in who waits with it.";
    }

    /** Which thread did the blocker's work, per server, as its answers said. Null without answers. */
    static String whereItRan(List<String> labels, List<Request> requests) {
        List<String> items = new ArrayList<>();
        for (String label : labels) {
            List<String> threads = threads(requests.stream().filter(r -> r.server().equals(label)).toList());
            if (!threads.isEmpty()) items.add("`" + label + "` on " + String.join(" and ", threads));
        }
        if (items.isEmpty()) return null;
        return "Where the work ran, as the answers name the thread: " + String.join("; ", items) + ".";
    }
}
