package chatlab.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What a load run came to, with the loss check: {@code expected} deliveries (each message times
 * its room's members, or once for echo) against the {@code delivered} ones, seen once each.
 *
 * @param sent              messages sent
 * @param expected          deliveries owed (sent times recipients)
 * @param delivered         deliveries received, first copies only
 * @param duplicates        copies received again (or out of order)
 * @param errors            other faults: server {@code error} messages, connections closed or failed mid-run
 * @param measuredDelivered deliveries of messages intended inside the measured window
 * @param measuredMillis    length of the measured window
 * @param firstError        the first fault's description, or null
 * @param latency           send-to-delivery latency in microseconds (encoded, see {@link Histograms})
 */
public record LoadResult(
        long sent,
        long expected,
        long delivered,
        long duplicates,
        long errors,
        long measuredDelivered,
        long measuredMillis,
        String firstError,
        String latency) {

    public Histogram histogram() { return Histograms.decode(latency); }

    /** Deliveries owed and never received. */
    public long lost() { return Math.max(0, expected - delivered); }

    /** Every fault together, as the CSV's {@code errors} column counts them. */
    public long totalErrors() { return lost() + duplicates + errors; }

    /** The faults in words, for a step's note: {@code "3 lost, 0 duplicated, 0 other errors, first: ..."}. */
    public String describeFaults() {
        return lost() + " lost, " + duplicates + " duplicated, " + errors + " other errors"
                + (firstError == null ? "" : ", first: " + firstError);
    }

    public double deliveredPerSecond() {
        return measuredMillis <= 0 ? 0 : measuredDelivered * 1000.0 / measuredMillis;
    }

    public LoadResult plus(LoadResult other) {
        Histogram h = histogram();
        h.add(other.histogram());
        return new LoadResult(sent + other.sent, expected + other.expected, delivered + other.delivered,
                duplicates + other.duplicates, errors + other.errors, measuredDelivered + other.measuredDelivered,
                Math.max(measuredMillis, other.measuredMillis),
                firstError != null ? firstError : other.firstError, Histograms.encode(h));
    }

    public static LoadResult empty() {
        return new LoadResult(0, 0, 0, 0, 0, 0, 0, null, Histograms.encode(Histograms.create()));
    }
}
