package chatlab.bench.load;

import java.io.IOException;
import java.util.PriorityQueue;

/**
 * The clients' own timers on a generator's selector thread (a short poll's next request), earliest
 * first. The loop sleeps in {@code select} until the first is due, so an idle timer costs nothing.
 */
final class Timers {

    /** What a timer does; an exception fails its client. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    /** Timers a turn of the loop runs at most, so that reads are not starved behind a burst of them. */
    static final int MAX_PER_TURN = 10_000;

    private record Timer(long dueNanos, long order, LoadClient client, Action action) {}

    private final PriorityQueue<Timer> queue = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
    private long scheduled;

    void at(long dueNanos, LoadClient client, Action action) {
        queue.add(new Timer(dueNanos, scheduled++, client, action));
    }

    /** When the first timer is due, or {@link Long#MAX_VALUE}. */
    long nextDueNanos() {
        Timer first = queue.peek();
        return first == null ? Long.MAX_VALUE : first.dueNanos;
    }

    /** Runs the timers due at {@code now} (those of closed clients are dropped). */
    void runDue(long now, LoadGenerator generator) {
        for (int n = 0; n < MAX_PER_TURN && !queue.isEmpty() && queue.peek().dueNanos - now <= 0; n++) {
            Timer timer = queue.poll();
            if (timer.client.state == LoadClient.State.CLOSED) continue;
            try {
                timer.action.run();
            } catch (IOException | RuntimeException e) {
                generator.fail(timer.client, LoadGenerator.describe(e));
            }
        }
    }

    void clear() { queue.clear(); }
}
