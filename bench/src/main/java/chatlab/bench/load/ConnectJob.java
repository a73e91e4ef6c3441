package chatlab.bench.load;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A batch of connections being opened by a {@link LoadGenerator}, at most
 * {@link ConnectPlan#maxInFlight()} at a time, each given {@link ConnectPlan#perConnectionTimeoutMillis()}
 * to become ready and the batch {@link ConnectPlan#timeoutMillis()} in all. Past
 * {@link ConnectPlan#abortAfterFailures()} failures it starts no more: the server is at a limit,
 * and piling on would only turn one clear failure into thousands of timeouts. Runs on the
 * generator's selector thread.
 */
final class ConnectJob {

    private final LoadGenerator generator;
    final ConnectPlan plan;
    final CompletableFuture<ConnectResult> done;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private final long perConnectionNanos;
    private final ArrayDeque<GeneratorConnection> pending = new ArrayDeque<>();
    private final Histogram latency = Histograms.create();
    private int started;
    private int inFlight;
    private int opened;
    private int failed;
    private String firstFailure;
    private boolean aborted;

    ConnectJob(LoadGenerator generator, ConnectPlan plan, CompletableFuture<ConnectResult> done) {
        this.generator = generator;
        this.plan = plan;
        this.done = done;
        this.deadlineNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(plan.timeoutMillis());
        this.perConnectionNanos = TimeUnit.MILLISECONDS.toNanos(plan.perConnectionTimeoutMillis());
    }

    /** A connection of this batch was started (its channel is connecting). */
    void started(GeneratorConnection connection) {
        pending.add(connection);
        inFlight++;
    }

    /** A connection of this batch is ready (101, and {@code joined} on {@code /ws}). */
    void opened(GeneratorConnection connection) {
        opened++;
        inFlight--;
        Histograms.recordNanos(latency, System.nanoTime() - connection.startNanos);
    }

    /** A connection of this batch failed before it was ready (or could not be started: {@code inFlight} false). */
    void failed(String reason, boolean inFlight) {
        if (inFlight) this.inFlight--;
        failed++;
        if (firstFailure == null) firstFailure = reason;
        if (!aborted && failed >= plan.abortAfterFailures()) {
            aborted = true;
            failed += plan.count() - started;
            started = plan.count();
        }
    }

    long nextWakeNanos() {
        GeneratorConnection oldest = pending.peek();
        return oldest == null ? deadlineNanos : Math.min(deadlineNanos, oldest.startNanos + perConnectionNanos);
    }

    /** Times out what is late, starts what the in-flight bound allows, and completes once nothing is left. */
    void advance() {
        long now = System.nanoTime();
        dropSettled();
        while (!pending.isEmpty() && now - pending.peek().startNanos > perConnectionNanos) {
            GeneratorConnection late = pending.poll();
            generator.fail(late, "not ready within " + plan.perConnectionTimeoutMillis() + " ms (" + late.state + ")");
            dropSettled();
        }
        if (now - deadlineNanos > 0) {
            for (GeneratorConnection late : new ArrayList<>(pending)) {
                if (late.pendingReady()) generator.fail(late, "batch timed out after " + plan.timeoutMillis() + " ms");
            }
            pending.clear();
            if (started < plan.count()) {
                failed += plan.count() - started;
                started = plan.count();
            }
        }
        while (started < plan.count() && inFlight < plan.maxInFlight()) {
            generator.startConnection(this, plan.firstIndex() + started);
            started++;
        }
        if (started >= plan.count() && inFlight <= 0) generator.connectJobDone(result());
    }

    ConnectResult result() {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return new ConnectResult(plan.count(), opened, failed, firstFailure, Histograms.encode(latency), elapsed);
    }

    private void dropSettled() {
        while (!pending.isEmpty() && !pending.peek().pendingReady()) pending.poll();
    }
}
