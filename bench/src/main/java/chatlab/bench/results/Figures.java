package chatlab.bench.results;

import chatlab.bench.procfs.KernelMemory;
import chatlab.bench.procfs.NativeMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Every figure the report derives from the rows, computed here once, so that a table, a chart and
 * a sentence showing the same figure cannot disagree. A figure that cannot be computed is NaN (or
 * empty); callers leave it out, never print it as 0.
 */
public final class Figures {

    /** A load step whose arrivals reached this share of what was offered kept up with it. */
    public static final double KEPT_UP = 0.95;

    private static final String FLOOD = "flood";
    private static final String BROADCAST = "broadcast";

    private Figures() {}

    // ---- idle connections in steps (the flood, and labs that step the same way) -------------

    /** The flood's row before the first connection: the server's own footprint. */
    public static Optional<ResultRow> floodBaseline(RunData run, String impl) {
        return baseline(run, FLOOD, impl);
    }

    /** The row of {@code suite} before the first connection: the server's own footprint. */
    public static Optional<ResultRow> baseline(RunData run, String suite, String impl) {
        return run.rows(suite, impl).stream().filter(r -> r.connections() == 0).findFirst();
    }

    /** The flood's steps that held (connections open, no errors), in order. */
    public static List<ResultRow> floodHeld(RunData run, String impl) {
        return held(run, FLOOD, impl);
    }

    /** The steps of {@code suite} that held (connections open, no errors), in order. */
    public static List<ResultRow> held(RunData run, String suite, String impl) {
        return run.rows(suite, impl).stream().filter(r -> r.connections() > 0 && r.errors() == 0).toList();
    }

    /** The largest flood step held. */
    public static Optional<ResultRow> floodMax(RunData run, String impl) {
        return largestHeld(run, FLOOD, impl);
    }

    /** The largest step of {@code suite} held. */
    public static Optional<ResultRow> largestHeld(RunData run, String suite, String impl) {
        List<ResultRow> held = held(run, suite, impl);
        return held.isEmpty() ? Optional.empty() : Optional.of(held.get(held.size() - 1));
    }

    /**
     * RSS growth over the server's RSS before its first connection (the baseline of the row's
     * suite), per connection: the average cost as a user sees it.
     */
    public static double rssPerConnection(RunData run, String impl, ResultRow row) {
        return perConnection(baseline(run, row.suite(), impl).map(ResultRow::rssBytes).orElse(-1L), row.rssBytes(), row.connections());
    }

    /** Live-heap growth (after a full GC) over the baseline's, per connection. */
    public static double heapLivePerConnection(RunData run, String impl, ResultRow row) {
        return perConnection(baseline(run, row.suite(), impl).map(ResultRow::heapLiveBytes).orElse(-1L), row.heapLiveBytes(),
                row.connections());
    }

    /** The flood's marginal RSS per connection; see {@link #rssMarginal(RunData, String, String)}. */
    public static double rssMarginal(RunData run, String impl) {
        return rssMarginal(run, FLOOD, impl);
    }

    /**
     * The marginal RSS cost of one more connection: the least-squares slope of RSS against
     * connections over the held steps (the baseline left out, so the server's fixed start-up cost
     * does not enter); NaN with fewer than two steps. A fixed cost amortised over more connections
     * makes the average fall with N; the slope does not.
     */
    public static double rssMarginal(RunData run, String suite, String impl) {
        List<ResultRow> held = held(run, suite, impl).stream().filter(r -> r.rssBytes() >= 0).toList();
        if (held.size() < 2) return Double.NaN;
        double n = held.size();
        double meanX = held.stream().mapToDouble(ResultRow::connections).sum() / n;
        double meanY = held.stream().mapToDouble(ResultRow::rssBytes).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (ResultRow r : held) {
            sxy += (r.connections() - meanX) * (r.rssBytes() - meanY);
            sxx += (r.connections() - meanX) * (r.connections() - meanX);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** The flood's step marginals; see {@link #rssStepMarginals(RunData, String, String)}. */
    public static List<double[]> rssStepMarginals(RunData run, String impl) {
        return rssStepMarginals(run, FLOOD, impl);
    }

    /** For each held step, the RSS it added per connection it added: {@code {connections, bytes per connection}}. */
    public static List<double[]> rssStepMarginals(RunData run, String suite, String impl) {
        List<double[]> points = new ArrayList<>();
        ResultRow previous = baseline(run, suite, impl).orElse(null);
        for (ResultRow row : held(run, suite, impl)) {
            if (previous != null && row.connections() > previous.connections() && row.rssBytes() >= 0 && previous.rssBytes() >= 0) {
                points.add(new double[] {row.connections(),
                        (row.rssBytes() - previous.rssBytes()) / (double) (row.connections() - previous.connections())});
            }
            previous = row;
        }
        return points;
    }

    /** The largest flood step every one of {@code impls} held; see {@link #commonStep(RunData, String, List)}. */
    public static CommonStep commonFloodStep(RunData run, List<String> impls) {
        return commonStep(run, FLOOD, impls);
    }

    /** The largest step of {@code suite} every one of {@code impls} held, with each one's row there; null if none. */
    public static CommonStep commonStep(RunData run, String suite, List<String> impls) {
        if (impls.isEmpty()) return null;
        TreeSet<Long> steps = null;
        for (String impl : impls) {
            TreeSet<Long> ok = new TreeSet<>();
            for (ResultRow r : held(run, suite, impl)) ok.add(r.clients());
            if (steps == null) steps = ok;
            else steps.retainAll(ok);
        }
        if (steps == null || steps.isEmpty()) return null;
        long step = steps.last();
        Map<String, ResultRow> rows = new LinkedHashMap<>();
        for (String impl : impls) held(run, suite, impl).stream().filter(r -> r.clients() == step).findFirst().ifPresent(r -> rows.put(impl, r));
        return new CommonStep(step, rows);
    }

    /** A step several implementations share: its connections asked for, and each one's row. */
    public record CommonStep(long clients, Map<String, ResultRow> rows) {}

    // ---- flood: where one connection's bytes go ---------------------------------------------

    /** One part of a connection's cost. */
    public record Part(String label, double bytesPerConnection) {}

    public static final String LIVE_HEAP = "live heap (after a full GC)";
    public static final String THREAD_STACKS = "thread stacks (NMT Thread)";
    public static final String OTHER_NATIVE = "other native memory (NMT, heap and stacks aside)";
    public static final String REST_OF_RSS = "rest of RSS (heap beyond the live data, allocator slack)";
    public static final String KERNEL = "kernel, both ends (socket buffers, slabs, stacks, page tables)";

    /**
     * What one connection costs, in parts, from the growth between the baseline of the row's suite and
     * {@code row}: the live heap; for a JVM, the thread stacks and the rest of native memory by
     * Native Memory Tracking; the rest of the process's RSS (heap pages beyond the live data:
     * garbage not yet collected and free regions once touched, and what NMT does not see); and the
     * kernel's memory outside any RSS, for both ends of the connection. Each is per connection and
     * NaN where it was not measured. The first four add up to the RSS growth per connection.
     */
    public static List<Part> connectionParts(RunData run, String impl, ResultRow row) {
        long n = row.connections();
        Map<String, Long> base = run.memory(row.suite(), impl, 0);
        Map<String, Long> at = run.memory(row.suite(), impl, n);
        double rss = rssPerConnection(run, impl, row);
        double live = growth(base, at, MemoryPart.HEAP_LIVE, n);
        boolean nmt = at.containsKey(NativeMemory.TOTAL) && base.containsKey(NativeMemory.TOTAL);
        double stacks = nmt ? growth(base, at, NativeMemory.PREFIX + "Thread", n) : Double.NaN;
        double native_ = nmt ? growth(base, at, NativeMemory.TOTAL, n) - growth(base, at, NativeMemory.PREFIX + "Java Heap", n)
                - stacks : Double.NaN;
        double rest = rss - live - (nmt ? stacks + native_ : 0);
        double kernel = Double.NaN;
        for (String part : at.keySet()) {
            if (!part.startsWith(KernelMemory.PREFIX) || !base.containsKey(part)) continue;
            kernel = (Double.isNaN(kernel) ? 0 : kernel) + growth(base, at, part, n);
        }
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(LIVE_HEAP, live));
        parts.add(new Part(THREAD_STACKS, stacks));
        parts.add(new Part(OTHER_NATIVE, native_));
        parts.add(new Part(REST_OF_RSS, rest));
        parts.add(new Part(KERNEL, kernel));
        return parts;
    }

    private static double growth(Map<String, Long> base, Map<String, Long> at, String part, long connections) {
        Long before = base.get(part);
        Long after = at.get(part);
        return before == null || after == null ? Double.NaN : perConnection(before, after, connections);
    }

    private static double perConnection(long before, long after, long connections) {
        return before < 0 || after < 0 || connections <= 0 ? Double.NaN : (after - before) / (double) connections;
    }

    // ---- load suites ---------------------------------------------------------------------------

    /** The p99 above which a broadcast step is not held, as the run recorded it (microseconds). */
    public static long broadcastThresholdMicros(RunData run) {
        return run.settings(BROADCAST).path("p99ThresholdMillis").asLong(250) * 1000;
    }

    /** The largest broadcast step held: measured, nothing lost or duplicated, p99 within the threshold. */
    public static Optional<ResultRow> broadcastHeld(RunData run, String impl) {
        long threshold = broadcastThresholdMicros(run);
        return run.rows(BROADCAST, impl).stream().filter(r -> r.measured() && r.errors() == 0 && r.p99Us() <= threshold)
                .reduce((a, b) -> b);
    }

    /** The largest N at which every one of {@code impls} was measured (sent messages) in {@code suite}; 0 if none. */
    public static long largestCommonMeasured(RunData run, String suite, List<String> impls) {
        TreeSet<Long> common = null;
        for (String impl : impls) {
            TreeSet<Long> ns = new TreeSet<>();
            for (ResultRow r : run.rows(suite, impl)) if (r.measured()) ns.add(r.clients());
            if (common == null) common = ns;
            else common.retainAll(ns);
        }
        return common == null || common.isEmpty() ? 0 : common.last();
    }

    /** Deliveries that arrived in the window over those offered: 1 when the server kept up; NaN if nothing was offered. */
    public static double deliveredShare(ResultRow row) {
        return Double.isNaN(row.offeredPerS()) || row.offeredPerS() <= 0 || Double.isNaN(row.deliveredPerS())
                ? Double.NaN : row.deliveredPerS() / row.offeredPerS();
    }

    /** Whether the arrivals kept up with the offered load (at least {@link #KEPT_UP} of it). */
    public static boolean keptUp(ResultRow row) {
        double share = deliveredShare(row);
        return !Double.isNaN(share) && share >= KEPT_UP;
    }

    /** Context switches (both kinds) per delivered message over the step's load; NaN if unknown. */
    public static double switchesPerDelivery(ResultRow row) {
        return row.ctxTotal() < 0 || row.delivered() <= 0 ? Double.NaN : row.ctxTotal() / (double) row.delivered();
    }

    /** Server CPU time per delivered message, in microseconds; NaN if unknown. */
    public static double cpuMicrosPerDelivery(ResultRow row) {
        return row.cpuMs() < 0 || row.delivered() <= 0 ? Double.NaN : row.cpuMs() * 1000.0 / row.delivered();
    }

    /** The share of one core the server used over the step's load (CPU time over wall time); NaN if unknown. */
    public static double serverCoreShare(RunData run, ResultRow row) {
        long sampled = run.detail(row).map(StepDetail::sampledMs).orElse(-1L);
        return row.cpuMs() < 0 || sampled <= 0 ? Double.NaN : row.cpuMs() / (double) sampled;
    }

    /** The share of one core the generators used over the step's load; NaN if unknown. */
    public static double generatorCoreShare(StepDetail detail) {
        return detail.generatorCpuMs() < 0 || detail.sampledMs() <= 0 ? Double.NaN : detail.generatorCpuMs() / (double) detail.sampledMs();
    }
}
