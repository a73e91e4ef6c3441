package chatlab.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The terminal client's reconnect waits: the bounds, checked at the edges of the jitter. */
class BackoffTest {

    @Test
    void firstRetryWithinHalfToOneAndAHalfSecondsThenDoublingNeverOverFive() {
        assertEquals(Duration.ofMillis(500), Backoff.delay(0, () -> 0.0));
        assertEquals(Duration.ofMillis(1500), Backoff.delay(0, () -> 1.0));
        assertEquals(Duration.ofMillis(2000), Backoff.delay(1, () -> 0.5));
        for (int failures = 0; failures < 100; failures++) {
            for (double r : new double[] {0, 0.25, 0.5, 0.999}) {
                Duration wait = Backoff.delay(failures, () -> r);
                assertTrue(wait.isPositive() && wait.toMillis() <= 5000, failures + " failures, random " + r + ": " + wait);
            }
        }
        long low = Backoff.delay(60, () -> 0.0).toMillis();
        long high = Backoff.delay(60, () -> 1.0).toMillis();
        assertTrue(high >= 2.9 * low, "the jitter survives the cap: " + low + ".." + high);
    }
}
