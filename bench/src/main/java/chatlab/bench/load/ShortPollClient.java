package chatlab.bench.load;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Short polling: {@code GET /poll?wait=0} every interval, on the same persistent connection as its
 * sends, at a fixed rate from a random phase (like a page's {@code setInterval}). A poll that is
 * still outstanding when the next is due is not doubled: that tick is skipped. A message therefore
 * waits, on average, half an interval on the server before a poll takes it.
 */
final class ShortPollClient extends HttpChatClient {

    private final long intervalNanos;
    private long nextPollNanos;
    private boolean polling;

    ShortPollClient(LoadGenerator generator, ConnectPlan plan, int index) {
        super(generator, plan, index);
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, plan.pollIntervalMillis()));
    }

    @Override
    void startReceiving() throws IOException {
        poll(); // at once: it brings the joined
        nextPollNanos = System.nanoTime() + ThreadLocalRandom.current().nextLong(intervalNanos);
        generator.timers().at(nextPollNanos, this, this::tick);
    }

    private void tick() throws IOException {
        if (!polling) poll();
        nextPollNanos += intervalNanos;
        long now = System.nanoTime();
        if (nextPollNanos - now < 0) nextPollNanos = now + intervalNanos; // the generator stalled: no burst of catch-up polls
        generator.timers().at(nextPollNanos, this, this::tick);
    }

    private void poll() throws IOException {
        polling = true;
        requests.submit(poll(0), part(Traffic.Part.RECEIVE), "GET /poll", response -> {
            polling = false;
            pollAnswered(response, "GET /poll");
        });
    }
}
