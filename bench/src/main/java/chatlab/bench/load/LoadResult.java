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
 * @param stalled         the readers that stopped reading ({@link LoadPlan.Stall}); none otherwise
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
        List<StalledReader> stalled) {

    @JsonCreator
    public LoadResult {
        stalled = stalled == null ? List.of() : List.copyOf(stalled);
    }

    /** A run in which every connection read. */
    public LoadResult(long sent, long expected, long delivered, long duplicates, long errors, long arrivedInWindow,
                      long offeredInWindow, long closedAsSlow, long measuredMillis, String firstError, String latency) {
        this(sent, expected, delivered, duplicates, errors, arrivedInWindow, offeredInWindow, closedAsSlow, measuredMillis,
                firstError, latency, List.of());
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
                firstError != null ? firstError : other.firstError, Histograms.encode(h),
                Stream.concat(stalled.stream(), other.stalled.stream()).toList());
    }

    public static LoadResult empty() {
        return new LoadResult(0, 0, 0, 0, 0, 0, 0, 0, 0, null, Histograms.encode(Histograms.create()));
    }
}
