package chatlab.labs;

import java.time.Duration;
import java.util.List;

/**
 * What the command line changes in a lab's settings; null = the lab's default. A lab applies those
 * that mean something to it and says in its {@code --help} line which.
 *
 * @param models         run only the servers of these models (null: every server the lab runs)
 * @param maxConnections cap on the lab's connection counts
 * @param duration       the lab's measured window (its load, its idling)
 */
public record LabOptions(List<String> models, Integer maxConnections, Duration duration) {

    public static final LabOptions NONE = new LabOptions(null, null, null);

    /** The variants of {@code all} that {@link #models} keeps. */
    public List<Variant> keep(List<Variant> all) {
        return models == null || models.isEmpty() ? all : all.stream().filter(v -> models.contains(v.model())).toList();
    }

    /** {@code n}, at most {@link #maxConnections}. */
    public int cap(int n) {
        return maxConnections == null ? n : Math.min(n, maxConnections);
    }

    /** The steps at most {@link #maxConnections}, never empty (the cap itself when every step is above it). */
    public List<Integer> cap(List<Integer> steps) {
        if (maxConnections == null) return steps;
        List<Integer> kept = steps.stream().filter(s -> s <= maxConnections).toList();
        return kept.isEmpty() ? List.of(maxConnections) : kept;
    }

    /** The window in milliseconds: {@link #duration} if given, else {@code defaultMillis}. */
    public long millis(long defaultMillis) {
        return duration == null ? defaultMillis : duration.toMillis();
    }
}
