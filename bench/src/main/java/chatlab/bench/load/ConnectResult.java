package chatlab.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What a batch of clients came to.
 *
 * @param requested     connections asked for
 * @param opened        clients ready ({@code joined}; on {@code /echo} the 101)
 * @param failed        clients refused, reset, timed out or never started after an abort
 * @param firstFailure  the first failure's description, or null
 * @param latency       connect-to-ready time of the opened ones, in microseconds (encoded, see {@link Histograms})
 * @param elapsedMillis time the batch took
 * @param traffic       what the generator's clients put on the wire meanwhile; its setup part is this batch's
 *                      (the clients ready before it count their polls as receiving)
 */
public record ConnectResult(int requested, int opened, int failed, String firstFailure, String latency, long elapsedMillis,
                            Traffic traffic) {

    public ConnectResult {
        if (traffic == null) traffic = Traffic.ZERO;
    }

    public Histogram histogram() { return Histograms.decode(latency); }

    /** Two batches as one (from two generators, or two source addresses). */
    public ConnectResult plus(ConnectResult other) {
        Histogram h = histogram();
        h.add(other.histogram());
        return new ConnectResult(requested + other.requested, opened + other.opened, failed + other.failed,
                firstFailure != null ? firstFailure : other.firstFailure, Histograms.encode(h),
                Math.max(elapsedMillis, other.elapsedMillis), traffic.plus(other.traffic));
    }

    public static ConnectResult empty() {
        return new ConnectResult(0, 0, 0, null, Histograms.encode(Histograms.create()), 0, Traffic.ZERO);
    }
}
