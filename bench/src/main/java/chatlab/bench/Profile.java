package chatlab.bench;

import java.util.Locale;

/**
 * How big a run is: {@code quick} (a few minutes on two cores for the quick suite), {@code standard}
 * (a suite named on its own: its full size, unless that takes much longer than about six minutes
 * on two cores, as the transports suite's does, then a smaller one) or {@code full} (what results/
 * publishes: {@code bench all}, or a named suite with {@code --full}). A suite with one size beyond
 * quick treats standard as full.
 */
public enum Profile {
    QUICK,
    STANDARD,
    FULL;

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
