package chatlab.bench;

import java.util.Locale;

/** How big a run is: {@code quick} (a few minutes on two cores) or {@code full} (what results/ publishes). */
public enum Profile {
    QUICK,
    FULL;

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
