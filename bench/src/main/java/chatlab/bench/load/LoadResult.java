package chatlab.bench.load;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * What a load run came to, with the loss check: {@code expected} deliveries (each message times
 * its room's members, or once for echo) against the {@code delivered} ones, seen once each.
 *
 * @param sent            messages sent
 * @param expected        deliveries owed (sent times recipients)
 * @param delivered       deliveries received, first copies only, whenever they arrived
 * @param duplicates      copies received again (or out of order)
 * @param errors          other faults: server {@code error} messages, connections closed or failed mid-run
 * @param arrivedInWindow deliveries that arrived inside the measured window, whenever they were sent
 * @param offeredInWindow deliveries owed for the messages whose intended send time is inside the window
 * @param closedAsSlow    connections the server closed with 1008 (slow consumer) during the run
 * @param measuredMillis  length of the measured window
 * @param firstError      the first fault's description, or null
 * @param latency         intended-send-to-delivery latency in microseconds of the messages intended
 *                        inside the window (encoded, see {@link Histograms})
 * @param traffic         bytes and HTTP requests the clients put on the wire inside the window
 * @param stalled         the readers that stopped reading ({@link LoadPlan.Stall}); none otherwise
 * @param timeline        the deliveries' latency by time bucket ({@link LoadPlan.Lab#bucketMillis()}); none otherwise
 * @param blocked         the answers to the blocker's lab messages ({@link LoadPlan.Blocker}), in the order sent; none otherwise
 */
public record LoadResult(
        long sent,
        long expected,
        long delivered,
        long duplicates,
        long errors,
        long arrivedInWindow,
        long offeredInWindow,
        long closedAsSlow,
        long measuredMillis,
        String firstError,
        String latency,
        Traffic traffic,
        List<StalledReader> stalled,
        List<Bucket> timeline,
        List<Answer> blocked) {

    @JsonCreator
    public LoadResult {
        if (traffic == null) traffic = Traffic.ZERO;
        stalled = stalled == null ? List.of() : List.copyOf(stalled);
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        blocked = blocked == null ? List.of() : List.copyOf(blocked);
    }

    /**
     * The deliveries of the messages intended in one time bucket: how many, and their latency
     * (intended send to arrival) on average and at worst.
     *
     * @param startMillis the bucket's start, from the start of the run (warm-up included)
     */
    public record Bucket(long startMillis, long count, long sumMicros, long maxMicros) {

        public double meanMicros() { return count == 0 ? Double.NaN : sumMicros / (double) count; }

        Bucket plus(Bucket other) {
            return new Bucket(startMillis, count + other.count, sumMicros + other.sumMicros, Math.max(maxMicros, other.maxMicros));
        }
    }

    /**
     * One lab message of the blocker and its answer.
     *
     * @param sentAtMillis   its intended send time, from the start of the run
     * @param latencyMicros  intended send to answer; -1 when no answer came
     * @param thread         the thread that did the work, as the answer names it ("" without an answer)
     */
    public record Answer(String type, int millis, long sentAtMillis, long latencyMicros, String thread) {}

    /** A run without the lab's records, its traffic not counted. */
    public LoadResult(long sent, long expected, long delivered, long duplicates, long errors, long arrivedInWindow,
                      long offeredInWindow, long closedAsSlow, long measuredMillis, String firstError, String latency,
                      List<StalledReader> stalled) {
        this(sent, expected, delivered, duplicates, errors, arrivedInWindow, offeredInWindow, closedAsSlow, measuredMillis,
                firstError, latency, Traffic.ZERO, stalled, List.of(), List.of());
    }

    /** A run in which every connection read, its traffic not counted. */
    public LoadResult(long sent, long expected, long delivered, long duplicates, long errors, long arrivedInWindow,
                      long offeredInWindow, long closedAsSlow, long measuredMillis, String firstError, String latency) {
        this(sent, expected, delivered, duplicates, errors, arrivedInWindow, offeredInWindow, closedAsSlow, measuredMillis,
                firstError, latency, Traffic.ZERO, List.of(), List.of(), List.of());
    }

    public Histogram histogram() { return Histograms.decode(latency); }

    /** Deliveries owed and never received. */
    public long lost() { return Math.max(0, expected - delivered); }

    /** Every fault together, as the CSV's {@code errors} column counts them. */
    public long totalErrors() { return lost() + duplicates + errors; }

    /** The faults in words, for a step's note: {@code "3 lost, 0 duplicated, 0 other errors, first: ..."}. */
    public String describeFaults() {
        return lost() + " lost, " + duplicates + " duplicated, " + errors + " other errors"
                + (closedAsSlow > 0 ? " (" + closedAsSlow + " connections closed 1008 as slow consumers)" : "")
                + (firstError == null ? "" : ", first: " + firstError);
    }

    /** Deliveries per second that arrived inside the measured window: throughput by arrival. */
    public double deliveredPerSecond() {
        return measuredMillis <= 0 ? 0 : arrivedInWindow * 1000.0 / measuredMillis;
    }

    /** Deliveries per second the open-loop schedule asked for inside the window. */
    public double offeredPerSecond() {
        return measuredMillis <= 0 ? 0 : offeredInWindow * 1000.0 / measuredMillis;
    }

    public LoadResult plus(LoadResult other) {
        Histogram h = histogram();
        h.add(other.histogram());
        return new LoadResult(sent + other.sent, expected + other.expected, delivered + other.delivered,
                duplicates + other.duplicates, errors + other.errors, arrivedInWindow + other.arrivedInWindow,
                offeredInWindow + other.offeredInWindow, closedAsSlow + other.closedAsSlow,
                Math.max(measuredMillis, other.measuredMillis),
                firstError != null ? firstError : other.firstError, Histograms.encode(h), traffic.plus(other.traffic),
                Stream.concat(stalled.stream(), other.stalled.stream()).toList(), mergeTimelines(timeline, other.timeline),
                Stream.concat(blocked.stream(), other.blocked.stream()).toList());
    }

    /** Bucket by bucket: each generator times its own deliveries from its own start of the run. */
    private static List<Bucket> mergeTimelines(List<Bucket> a, List<Bucket> b) {
        if (b.isEmpty()) return a;
        if (a.isEmpty()) return b;
        java.util.TreeMap<Long, Bucket> merged = new java.util.TreeMap<>();
        for (Bucket bucket : a) merged.merge(bucket.startMillis(), bucket, Bucket::plus);
        for (Bucket bucket : b) merged.merge(bucket.startMillis(), bucket, Bucket::plus);
        return List.copyOf(merged.values());
    }

    public static LoadResult empty() {
        return new LoadResult(0, 0, 0, 0, 0, 0, 0, 0, 0, null, Histograms.encode(Histograms.create()), Traffic.ZERO, List.of(), List.of(), List.of());
    }
}
