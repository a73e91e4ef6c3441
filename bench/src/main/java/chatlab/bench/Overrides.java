package chatlab.bench;

import java.time.Duration;

/**
 * What the command line changes in a suite's default settings; null = the profile's default.
 * A suite applies those that mean something to it and ignores the rest.
 *
 * @param maxConnections     cap on every step (for the flood, also its last step)
 * @param duration           the measured window of a load step
 * @param p99ThresholdMillis a load step whose p99 is above this is not held
 */
public record Overrides(Integer maxConnections, Duration duration, Long p99ThresholdMillis) {

    public static final Overrides NONE = new Overrides(null, null, null);
}
