package chatlab.labs.slow;

import chatlab.bench.Format;
import chatlab.bench.load.StalledReader;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import chatlab.labs.Variant;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The slow-consumers lab's page: for each server, what the kernel held for each reader that
 * stopped reading, what the server itself held when it counted its slow-consumer closes, what the
 * reader got once it read again and how it was closed, and what the readers that kept reading
 * lost; charts of the server's own queue for a stalled reader over time against its bound, of the
 * kernel's part, and of the server's heap; and a computed reading.
 */
final class SlowConsumersPage implements LabPage {

    private static final String NAME = SlowConsumersLab.NAME;
    private static final double MIB = 1024 * 1024;
    /** What a server held at its cut "is at the bound" when the bound lies in its range widened by these shares. */
    static final double BELOW = 0.05;
    static final double ABOVE = 0.05;

    record Poll(String impl, long tMs, long rssBytes, long heapUsedBytes, long closes) {}

    record QueueSample(String impl, String reader, long tMs, long owed, long kernel) {
        /** What the server itself holds for the reader: owed, less what the kernel holds; -1 when the kernel's part is unknown. */
        long server() { return kernel < 0 ? -1 : owed - kernel; }
    }

    record Reader(String impl, String reader, long bound, long owed, long kernel, long resumedMs, long received, long messages,
                  int closeCode, String closeNote, long endedMs) {}

    /**
     * One server's cut-off, from the three files.
     *
     * @param closes     slow-consumer closes the server counted during the push
     * @param cutFromMs  the last poll before the first of them was counted, {@code cutToMs} the first poll that had them all (NaN: none)
     * @param heldLow    the least any non-reader's server-held bytes were at {@code cutFromMs}; {@code heldHigh} the most at {@code cutToMs}
     * @param rssGrowth  the server's RSS at its highest during the push, over its first poll
     */
    record Cut(String impl, long bound, List<Reader> readers, long closes, double cutFromMs, double cutToMs, double heldLow, double heldHigh,
               long rssGrowth, long heapGrowth) {

        boolean cut() { return closes > 0 && !Double.isNaN(heldLow) && !Double.isNaN(heldHigh); }

        /** Whether the bound lies in what the server held at the cut, widened by {@link #BELOW} and {@link #ABOVE}. */
        boolean atBound() { return cut() && heldLow <= bound * (1 + ABOVE) && heldHigh >= bound * (1 - BELOW); }

        double mean(ToDoubleFunction<Reader> f) { return readers.stream().mapToDouble(f).average().orElse(Double.NaN); }
    }

    static Cut cut(String impl, List<Poll> polls, List<QueueSample> queues, List<Reader> readers) {
        List<Poll> mine = polls.stream().filter(p -> p.impl().equals(impl) && p.closes() >= 0).toList();
        List<Reader> stalled = readers.stream().filter(r -> r.impl().equals(impl)).toList();
        long bound = stalled.isEmpty() ? -1 : stalled.get(0).bound();
        if (mine.isEmpty()) return new Cut(impl, bound, stalled, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, -1);
        long first = mine.get(0).closes();
        long last = mine.stream().mapToLong(Poll::closes).max().orElse(first);
        long rss = mine.stream().mapToLong(Poll::rssBytes).max().orElse(-1) - mine.get(0).rssBytes();
        long heap = mine.stream().mapToLong(Poll::heapUsedBytes).max().orElse(-1) - mine.get(0).heapUsedBytes();
        double from = Double.NaN;
        double to = Double.NaN;
        for (Poll p : mine) {
            if (p.closes() == first) from = p.tMs();
            if (p.closes() == last && Double.isNaN(to) && last > first) to = p.tMs();
        }
        double low = Double.NaN;
        double high = Double.NaN;
        if (last > first) {
            for (Reader r : stalled) {
                List<QueueSample> samples = queues.stream().filter(q -> q.impl().equals(impl) && q.reader().equals(r.reader()) && q.server() >= 0).toList();
                if (samples.isEmpty()) continue;
                QueueSample before = null;
                QueueSample after = null;
                for (QueueSample q : samples) {
                    if (q.tMs() <= from) before = q;
                    if (q.tMs() >= to && after == null) after = q;
                }
                if (after == null) after = samples.get(samples.size() - 1); // it read again before the last close was counted
                if (before != null) low = Double.isNaN(low) ? before.server() : Math.min(low, before.server());
                high = Double.isNaN(high) ? after.server() : Math.max(high, after.server());
            }
        }
        return new Cut(impl, bound, stalled, last - first, from, to, low, high, rss, heap);
    }

    private record Data(List<Poll> polls, List<QueueSample> queues, List<Reader> readers) {}

    private static Data read(RunData run) {
        try {
            List<Poll> polls = new ArrayList<>();
            for (Map<String, String> r : LabData.csv(run, SlowConsumersLab.SERVER, SlowConsumersLab.SERVER_COLUMNS)) {
                polls.add(new Poll(r.get("impl"), Csv.longOf(r.get("t_ms")), Csv.longOf(r.get("rss_bytes")), Csv.longOf(r.get("heap_used_bytes")),
                        Csv.longOf(r.get("slow_consumer_closes"))));
            }
            List<QueueSample> queues = new ArrayList<>();
            for (Map<String, String> r : LabData.csv(run, SlowConsumersLab.QUEUES, SlowConsumersLab.QUEUE_COLUMNS)) {
                queues.add(new QueueSample(r.get("impl"), r.get("reader"), Csv.longOf(r.get("t_ms")), Csv.longOf(r.get("owed_bytes")),
                        Csv.longOf(r.get("kernel_bytes"))));
            }
            List<Reader> readers = new ArrayList<>();
            for (Map<String, String> r : LabData.csv(run, SlowConsumersLab.READERS, SlowConsumersLab.READER_COLUMNS)) {
                readers.add(new Reader(r.get("impl"), r.get("reader"), Csv.longOf(r.get("bound_bytes")), Csv.longOf(r.get("owed_bytes")),
                        Csv.longOf(r.get("kernel_bytes")), Csv.longOf(r.get("resumed_ms")), Csv.longOf(r.get("received_bytes")),
                        Csv.longOf(r.get("received_messages")), (int) Csv.longOf(r.get("close_code")), r.get("close_note"),
                        Csv.longOf(r.get("ended_ms"))));
            }
            return new Data(polls, queues, readers);
        } catch (IOException | RuntimeException e) {
            return new Data(List.of(), List.of(), List.of());
        }
    }

    private static List<Cut> cuts(RunData run, Data data) {
        List<Cut> cuts = new ArrayList<>();
        for (String label : LabData.labels(run)) cuts.add(cut(label, data.polls(), data.queues(), data.readers()));
        return cuts;
    }

    private static String seconds(double ms) {
        return Double.isNaN(ms) || ms < 0 ? "" : String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    static String closedWith(Cut c) {
        Set<String> codes = new LinkedHashSet<>();
        for (Reader r : c.readers()) {
            codes.add(r.closeCode() == StalledReader.NO_CLOSE_FRAME ? "no close frame" : r.closeCode() == StalledReader.STILL_OPEN
                    ? "still open" : Integer.toString(r.closeCode()));
        }
        return String.join(", ", codes);
    }

    @Override
    public Table table(RunData run) {
        Data data = read(run);
        Table.Builder table = Table.of("server", "bound", "non-readers", "owed each", "kernel held each", "server held at the cut",
                "cut at", "read again at", "received after reading again", "closed with", "readers' errors", "peak RSS growth");
        for (Cut c : cuts(run, data)) {
            ResultRow row = run.rows(NAME, c.impl()).stream().findFirst().orElse(null);
            table.row(c.impl(), Format.bytes(c.bound()), Integer.toString(c.readers().size()), Format.bytes(c.mean(Reader::owed)),
                    Format.bytes(c.mean(Reader::kernel)), c.cut() ? Format.bytes(c.heldLow()) + " to " + Format.bytes(c.heldHigh()) : "no cut",
                    c.cut() ? seconds(c.cutFromMs()) + "-" + seconds(c.cutToMs()) : "", seconds(c.mean(Reader::resumedMs)),
                    Format.bytes(c.mean(Reader::received)), closedWith(c) + (Double.isNaN(c.mean(Reader::endedMs)) || c.mean(Reader::endedMs) < 0
                            ? "" : " at " + seconds(c.mean(Reader::endedMs))),
                    row == null ? "" : Long.toString(row.errors()), Format.bytes(c.rssGrowth()));
        }
        return table.build();
    }

    @Override
    public String describe(String file) {
        return switch (file) {
            case SlowConsumersLab.SERVER -> "the server polled during the push: RSS, heap in use, slow-consumer closes so far (ms from the stall)";
            case SlowConsumersLab.QUEUES -> "each stalled reader sampled by the generator: bytes owed to it so far, and held for it by the kernel "
                    + "(the server socket's send queue and its own receive queue, `/proc/net/tcp`)";
            case SlowConsumersLab.READERS -> "each stalled reader's end: owed and held by the kernel when it read again, what it then received, "
                    + "and how the server closed it";
            default -> null;
        };
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        Data data = read(run);
        List<Cut> cuts = cuts(run, data);
        int rooms = s.path("rooms").asInt();
        report.paragraph((rooms == 1 ? "One room" : rooms + " rooms") + " of " + s.path("roomSize").asText("?") + " members; in "
                + (rooms == 1 ? "it" : "each") + ", one sender pushes "
                + s.path("messagesPerSecond").asText("?") + " messages of " + s.path("payloadBytes").asText("?") + " characters a second for "
                + s.path("pushMillis").asLong() / 1000 + " s, and one member stops reading when the push starts (the others keep reading). "
                + "*Owed* is the bytes of every room message since then, as frames; the generator reads the kernel's queues for each "
                + "stalled socket every " + s.path("sampleEveryMillis").asText("?") + " ms (`/proc/net/tcp`: the server socket's send "
                + "queue and the reader's receive queue), so owed minus the kernel's part is what the server holds in its own queue. "
                + "Its `/stats` is polled for slow-consumer closes: *server held at the cut* is the range of that queue from the last "
                + "poll before the server counted its first close to the first poll that had them all (*cut at*; times from the stall). "
                + "Once the server must hold well over its bound, the reader reads again (*read again at*): what it still receives, "
                + "and how and when the connection ends, say whether the server dropped its queue or sent it on. Server and generator "
                + "clocks are the machine's monotonic clock. The kernel lists one socket after another while the server writes, so "
                + "on a busy machine one look can be off by what the server writes meanwhile.");
        report.image("The server's own queue for a stalled reader", queueChart(run, data, cuts));
        report.image("What the kernel holds for a stalled reader", kernelChart(run, data));
        report.image("The server's heap during the push", Charts.xy(run.dir().resolve("slow-heap.png"), "Server heap in use during the push",
                "seconds since the readers stopped", "MiB", false, pollSeries(run, data, p -> p.heapUsedBytes() / MIB)));
        report.h3("Reading");
        report.paragraph(cutAtBound(cuts));
        report.paragraph(boundMoves(cuts, LabData.variants(run)));
        report.paragraph(kernelFirst(cuts));
        report.paragraph(droppedOrSent(cuts));
        report.paragraph(memoryBounded(cuts, data.queues()));
        report.paragraph(readersUnharmed(run.rows(NAME)));
        report.h3("What the libraries do by themselves (from their code, not measured here)");
        report.paragraph("PROTOCOL.md asks every server to close a client whose queue passes the bound with 1008. chatlab's own "
                + "models do it in one place, `OutboundQueue`, for every model. The peers' libraries do not, so each of chatlab's "
                + "peer wrappers adds it: Java-WebSocket 1.6 keeps a connection's unsent frames in `outQueue`, a `LinkedBlockingQueue` "
                + "without a capacity, and offers no size of it (the wrapper sums it when a running estimate passes the bound); Jetty "
                + "12's `maxOutgoingFrames` is -1 (unlimited) by default and counts frames, not bytes (the wrapper counts the bytes of "
                + "sends not yet completed); Netty's `WriteBufferWaterMark` (32/64 KiB by default) only turns `isWritable()` false and "
                + "goes on queueing whatever is written (the wrapper sets the high mark to the bound and closes when a write crosses "
                + "it); Node's `ws` only reports `bufferedAmount` (the wrapper compares it after each send). Without the wrappers a "
                + "reader that never reads would make each of them queue without end, until the process runs out of memory.");
    }

    private java.nio.file.Path queueChart(RunData run, Data data, List<Cut> cuts) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        double end = 0;
        for (Cut c : cuts) {
            if (c.readers().isEmpty()) continue;
            String first = c.readers().get(0).reader();
            List<QueueSample> samples = data.queues().stream().filter(q -> q.impl().equals(c.impl()) && q.reader().equals(first) && q.server() >= 0).toList();
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (QueueSample q : samples) {
                xs.add(q.tMs() / 1000.0);
                ys.add(Math.max(0, q.server()) / MIB);
                if (!Double.isNaN(c.cutToMs()) && q.tMs() >= c.cutToMs()) break; // past the cut, owed counts what the server no longer takes
            }
            if (xs.isEmpty()) continue;
            end = Math.max(end, xs.get(xs.size() - 1));
            series.add(new Charts.Series(c.impl(), xs, ys, LabData.color(run, c.impl()), false));
        }
        for (long bound : new TreeSet<>(cuts.stream().map(Cut::bound).filter(b -> b > 0).toList())) {
            series.add(new Charts.Series("bound " + Format.bytes(bound), List.of(0.0, Math.max(end, 1)), List.of(bound / MIB, bound / MIB),
                    Color.BLACK, true));
        }
        return Charts.xy(run.dir().resolve("slow-server-queue.png"), "What the server holds for one stalled reader, up to its cut",
                "seconds since the readers stopped", "MiB (owed minus what the kernel holds)", false, series);
    }

    private java.nio.file.Path kernelChart(RunData run, Data data) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : LabData.labels(run)) {
            List<QueueSample> samples = data.queues().stream().filter(q -> q.impl().equals(label) && q.kernel() >= 0).toList();
            if (samples.isEmpty()) continue;
            String first = samples.get(0).reader();
            List<QueueSample> one = samples.stream().filter(q -> q.reader().equals(first)).toList();
            series.add(new Charts.Series(label, one.stream().map(q -> q.tMs() / 1000.0).toList(), one.stream().map(q -> q.kernel() / MIB).toList(),
                    LabData.color(run, label), false));
        }
        return Charts.xy(run.dir().resolve("slow-kernel.png"), "What the kernel holds for one stalled reader (both sockets' queues)",
                "seconds since the readers stopped", "MiB", false, series);
    }

    private static List<Charts.Series> pollSeries(RunData run, Data data, ToDoubleFunction<Poll> y) {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : LabData.labels(run)) {
            List<Poll> polls = data.polls().stream().filter(p -> p.impl().equals(label) && p.heapUsedBytes() >= 0).toList();
            if (polls.isEmpty()) continue;
            series.add(new Charts.Series(label, polls.stream().map(p -> p.tMs() / 1000.0).toList(), polls.stream().map(y::applyAsDouble).toList(),
                    LabData.color(run, label), false));
        }
        return series;
    }

    // ---- the reading: each sentence computed, null when the data does not show it ----------------

    /** Where each server cut its stalled readers off, against its bound; and the servers that cut none. */
    static String cutAtBound(List<Cut> cuts) {
        List<String> at = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (Cut c : cuts) {
            if (c.readers().isEmpty()) continue;
            String held = Format.bytes(c.heldLow()) + " to " + Format.bytes(c.heldHigh());
            if (c.atBound()) at.add("`" + c.impl() + "` " + held + " (bound " + Format.bytes(c.bound()) + ")");
            else if (c.cut()) elsewhere.add("`" + c.impl() + "` when it held " + held + " (bound " + Format.bytes(c.bound()) + ")");
            else none.add("`" + c.impl() + "`");
        }
        List<String> sentences = new ArrayList<>();
        if (!at.isEmpty()) {
            sentences.add("The cut-off came at the configured bound: when these servers counted their slow-consumer closes, each held "
                    + "for every stalled reader, beyond what the kernel held: " + String.join("; ", at) + ".");
        }
        if (!elsewhere.isEmpty()) sentences.add("Cut away from the bound: " + String.join("; ", elsewhere) + ".");
        if (!none.isEmpty()) sentences.add("Counted no slow-consumer close during the push: " + String.join(", ", none) + ".");
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }

    /** A model run at several bounds that cut at each of them: the cut-off follows the setting. */
    static String boundMoves(List<Cut> cuts, List<Variant> variants) {
        Map<String, List<Cut>> byModel = new LinkedHashMap<>();
        for (Variant v : variants) {
            cuts.stream().filter(c -> c.impl().equals(v.label())).findFirst().ifPresent(c -> byModel.computeIfAbsent(v.model(), m -> new ArrayList<>()).add(c));
        }
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, List<Cut>> e : byModel.entrySet()) {
            List<Cut> models = e.getValue();
            if (models.size() < 2 || models.stream().map(Cut::bound).distinct().count() < 2 || !models.stream().allMatch(Cut::atBound)) continue;
            items.add("`" + e.getKey() + "` at " + String.join(" and ", models.stream().map(c -> Format.bytes(c.bound())).toList()));
        }
        return items.isEmpty() ? null : "Run at several bounds, these cut at each one: " + String.join("; ", items)
                + ". The cut-off follows the setting, not the kernel's buffers or the message rate.";
    }

    /** The kernel's share: what it held for each stalled reader when the reader read again, over every server. */
    static String kernelFirst(List<Cut> cuts) {
        double low = Double.NaN;
        double high = Double.NaN;
        double owed = Double.NaN;
        for (Cut c : cuts) {
            for (Reader r : c.readers()) {
                if (r.kernel() < 0) continue;
                low = Double.isNaN(low) ? r.kernel() : Math.min(low, r.kernel());
                high = Double.isNaN(high) ? r.kernel() : Math.max(high, r.kernel());
                owed = Double.isNaN(owed) ? r.owed() : Math.max(owed, r.owed());
            }
        }
        if (Double.isNaN(low) || high <= 0) return null;
        return "The kernel held between " + Format.bytes(low) + " and " + Format.bytes(high) + " for each stalled reader (the "
                + "server socket's send buffer and the reader's receive buffer): bytes a server has handed on and no longer counts. "
                + "A test of a bound must push well past it; here each stalled reader was owed up to " + Format.bytes(owed) + ".";
    }

    /**
     * Whether each server dropped what it held at the cut, or sent it on: from what its stalled
     * readers received once they read again, against what the kernel held for them then (within
     * 64 KiB: only the kernel's bytes came; half the bound or more beyond: the server's queue came too).
     */
    static String droppedOrSent(List<Cut> cuts) {
        List<String> dropped = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (Cut c : cuts) {
            if (!c.cut()) continue;
            double received = c.mean(Reader::received);
            double kernel = c.mean(Reader::kernel);
            if (Double.isNaN(received) || Double.isNaN(kernel) || kernel < 0) continue;
            String item = "`" + c.impl() + "` " + Format.bytes(received) + " after " + Format.bytes(kernel) + " in the kernel, then " + closedWith(c);
            if (received <= kernel + 64 * 1024) dropped.add(item);
            else if (received >= kernel + c.bound() / 2.0) sent.add(item);
        }
        List<String> sentences = new ArrayList<>();
        if (!dropped.isEmpty()) {
            sentences.add("Dropped what they held at the cut: reading again, their stalled readers got what the kernel held and no more: "
                    + String.join("; ", dropped) + ".");
        }
        if (!sent.isEmpty()) {
            sentences.add("Sent what they held before the close instead (their library cannot drop a queued frame): "
                    + String.join("; ", sent) + ".");
        }
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }

    /**
     * Memory bounded: for each server that cut its stalled readers, the most it held for any of them
     * at any sample before it counted its first close, said when that stayed within the bound
     * (and {@link #ABOVE} over it, the sampling's slack), against what was owed to them.
     */
    static String memoryBounded(List<Cut> cuts, List<QueueSample> queues) {
        List<String> items = new ArrayList<>();
        for (Cut c : cuts) {
            if (!c.cut()) continue;
            long most = queues.stream().filter(q -> q.impl().equals(c.impl()) && q.tMs() <= c.cutFromMs() && q.server() >= 0)
                    .mapToLong(QueueSample::server).max().orElse(-1);
            double owed = c.mean(Reader::owed);
            if (most < 0 || most > c.bound() * (1 + ABOVE)) continue;
            items.add("`" + c.impl() + "` at most " + Format.bytes(most) + " (bound " + Format.bytes(c.bound()) + ", " + Format.bytes(owed)
                    + " owed)");
        }
        return items.isEmpty() ? null : "Until the cut, no server held more than its bound for a stalled reader, however much it was "
                + "owed; the rest sat in the kernel's buffers: " + String.join("; ", items) + ". Memory per slow consumer is bounded "
                + "by the setting, times the stalled readers.";
    }

    /** Whether the readers that kept reading lost nothing, in every server. */
    static String readersUnharmed(List<ResultRow> rows) {
        List<ResultRow> measured = rows.stream().filter(ResultRow::measured).toList();
        if (measured.isEmpty()) return null;
        List<String> harmed = measured.stream().filter(r -> r.errors() > 0).map(r -> "`" + r.impl() + "` " + r.errors()).toList();
        if (harmed.isEmpty()) {
            return "The members that kept reading received every message of their rooms once, in every server ("
                    + Format.count(measured.stream().mapToLong(ResultRow::delivered).sum()) + " deliveries in all): a stalled reader cost only itself.";
        }
        return "Members that kept reading missed messages (errors): " + String.join(", ", harmed) + ".";
    }
}
