package chatlab.cli.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait before a reconnect attempt, the same as the browser library's: about 1 s for the first
 * retry, doubling per failure, never over 5 s, spread by +-50% so that the clients of a restarted
 * server do not all come back in the same millisecond. The nominal wait stops growing where its
 * jittered top reaches the cap, so the jitter survives it.
 */
public final class Backoff {

    static final double FIRST_RETRY_MILLIS = 1000;
    static final double MAX_RETRY_MILLIS = 5000;
    static final double JITTER = 0.5;

    private Backoff() {}

    /** @param failures 0 before the first retry; random: uniform in [0, 1) */
    public static Duration delay(int failures, DoubleSupplier random) {
        double nominal = Math.min(FIRST_RETRY_MILLIS * Math.pow(2, Math.min(failures, 30)), MAX_RETRY_MILLIS / (1 + JITTER));
        return Duration.ofMillis(Math.round(nominal * (1 - JITTER + 2 * JITTER * random.getAsDouble())));
    }
}
