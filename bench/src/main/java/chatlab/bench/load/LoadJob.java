package chatlab.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop send schedule over a {@link LoadGenerator}'s ready connections, then the drain.
 * Runs on the generator's selector thread.
 *
 * <p>Time has three parts: warm-up (sent and checked, not measured), the measured window, and the
 * drain (nothing sent; what is still due may arrive). Two things are measured, each by its own
 * clock:
 * <ul>
 *   <li><b>latency</b> of every message <em>intended</em> inside the window, from its intended
 *       send time to its arrival, whenever it arrives (the drain included): a stalled generator or
 *       server cannot hide its stall (coordinated omission);
 *   <li><b>throughput</b> as deliveries that <em>arrive</em> inside the window, next to the
 *       deliveries <em>offered</em> (owed for messages intended inside it): a server that falls
 *       behind delivers less than is offered, and the backlog it drains later does not count.
 * </ul>
 */
final class LoadJob {

    /** A turn sends at most this many messages before the loop reads again (so replies are not starved). */
    private static final int MAX_SENDS_PER_TURN = 2_000;

    private final LoadGenerator generator;
    final LoadPlan plan;
    final CompletableFuture<LoadResult> done;
    private final long intervalNanos;
    private final long measureStartNanos;
    private final long sendEndNanos;
    private final PriorityQueue<LoadClient> schedule =
            new PriorityQueue<>((a, b) -> Long.compare(a.nextSendNanos, b.nextSendNanos));
    private final Histogram latency = Histograms.create();
    private final String padding;
    /** The readers that stop reading for this run, or null when every connection reads. */
    private final Stallers stallers;
    /** The lab's messages and records of this run, or null when it has none. */
    private final LabTraffic labTraffic;
    private long drainDeadlineNanos = Long.MAX_VALUE;
    private long sent;
    private long expected;
    private long delivered;
    private long duplicates;
    private long errors;
    private long arrivedInWindow;
    private long offeredInWindow;
    private long closedAsSlow;
    private String firstError;
    /** The generator's traffic when the window opened and when it closed; null until then. */
    private Traffic atWindowStart;
    private Traffic atWindowEnd;

    LoadJob(LoadGenerator generator, LoadPlan plan, CompletableFuture<LoadResult> done, Iterable<LoadClient> ready,
            long idleFaults, String firstIdleFault) {
        this.generator = generator;
        this.plan = plan;
        this.done = done;
        long start = System.nanoTime();
        this.intervalNanos = (long) (1e9 / plan.ratePerSender());
        this.measureStartNanos = start + TimeUnit.MILLISECONDS.toNanos(plan.warmupMillis());
        this.sendEndNanos = measureStartNanos + TimeUnit.MILLISECONDS.toNanos(plan.durationMillis());
        this.padding = "x".repeat(Math.max(1, plan.payloadBytes()));
        this.stallers = plan.stall() == null ? null : new Stallers(plan.stall(), ready, start);
        this.labTraffic = plan.lab() == null ? null : new LabTraffic(plan.lab(), plan.run(), ready, start);
        List<LoadClient> senders = new ArrayList<>();
        for (LoadClient connection : ready) {
            connection.nextEcho = 0;
            if (connection.index % plan.senderEvery() == 0 && !isStalled(connection)
                    && (labTraffic == null || !labTraffic.isBlocker(connection))) {
                senders.add(connection);
            }
        }
        for (LoadClient sender : senders) {
            sender.sentInRun = 0;
            // Senders start at random phases within one interval, so the load is spread, not a burst per interval.
            sender.nextSendNanos = start + ThreadLocalRandom.current().nextLong(Math.max(1, intervalNanos));
            // With an interval longer than warm-up and window, a sender's first turn may come after the window: it sends nothing.
            if (sender.nextSendNanos < sendEndNanos) schedule.add(sender);
        }
        this.errors = idleFaults;
        this.firstError = firstIdleFault;
    }

    long nextWakeNanos() {
        long next = schedule.isEmpty() ? drainDeadlineNanos : schedule.peek().nextSendNanos;
        if (atWindowStart == null) next = Math.min(next, measureStartNanos);
        if (atWindowEnd == null) next = Math.min(next, sendEndNanos);
        if (labTraffic != null) next = Math.min(next, labTraffic.nextWakeNanos());
        return stallers == null ? next : Math.min(next, stallers.nextWakeNanos());
    }

    /** Sends what is due (late ones first, each stamped with its intended time), then completes once drained. */
    void advance() {
        long now = System.nanoTime();
        if (atWindowStart == null && now - measureStartNanos >= 0) atWindowStart = generator.traffic().snapshot();
        if (atWindowEnd == null && now - sendEndNanos >= 0) atWindowEnd = generator.traffic().snapshot();
        int sends = 0;
        while (!schedule.isEmpty() && schedule.peek().nextSendNanos <= now && sends < MAX_SENDS_PER_TURN) {
            LoadClient sender = schedule.poll();
            if (sender.state != LoadClient.State.READY) continue;
            sendOne(sender, sender.nextSendNanos);
            sends++;
            sender.nextSendNanos += intervalNanos;
            if (sender.nextSendNanos < sendEndNanos) schedule.add(sender);
        }
        if (labTraffic != null) labTraffic.advance(generator, now);
        boolean sendingDone = schedule.isEmpty() && (labTraffic == null || labTraffic.sendingDone());
        if (sendingDone && drainDeadlineNanos == Long.MAX_VALUE) {
            drainDeadlineNanos = Math.max(now, sendEndNanos) + TimeUnit.MILLISECONDS.toNanos(plan.drainTimeoutMillis());
        }
        if (stallers != null) stallers.advance(now, schedule.isEmpty());
        boolean stallersDone = stallers == null || stallers.allEnded();
        boolean labDone = labTraffic == null || labTraffic.allAnswered();
        if (sendingDone && atWindowEnd != null
                && ((delivered + duplicates >= expected && stallersDone && labDone) || now - drainDeadlineNanos >= 0)) {
            long measuredMillis = TimeUnit.NANOSECONDS.toMillis(sendEndNanos - measureStartNanos);
            if (stallers != null) stallers.close();
            generator.loadJobDone(new LoadResult(sent, expected, delivered, duplicates, errors, arrivedInWindow, offeredInWindow,
                    closedAsSlow, measuredMillis, firstError, Histograms.encode(latency), atWindowEnd.since(atWindowStart),
                    stallers == null ? List.of() : stallers.results(),
                    labTraffic == null ? List.of() : labTraffic.timeline(), labTraffic == null ? List.of() : labTraffic.blocked()));
        }
    }

    private void sendOne(LoadClient sender, long intended) {
        MessageId messageId = new MessageId(plan.run(), intended, sender.index, sender.sentInRun++);
        String id = messageId.encode();
        // A stalled reader is owed the message too, but it is no recipient of the loss check; a lab message is answered to its sender.
        long recipients = plan.kind() != LoadPlan.Kind.BROADCAST ? 1
                : generator.membersOf(sender.room) - (stallers == null ? 0 : stallers.stalledIn(sender.room));
        expected += recipients;
        if (inWindow(intended)) offeredInWindow += recipients;
        sent++;
        try {
            switch (plan.kind()) {
                case WORK -> sender.say(LabTraffic.text(plan.lab().work(), messageId));
                case ECHO -> {
                    String text = id + ".";
                    int pad = Math.max(0, plan.payloadBytes() - text.length());
                    sender.echo(text + padding.substring(0, Math.min(pad, padding.length())));
                }
                case BROADCAST -> sender.say("{\"type\":\"say\",\"room\":\"" + sender.room + "\",\"text\":\"" + padding
                        + "\",\"id\":\"" + id + "\"}");
            }
        } catch (IOException e) {
            // Owed and never sent: counted lost, and the client's failure is a fault of its own.
            generator.fail(sender, LoadGenerator.describe(e));
        }
    }

    /** The run is over without a result (the generator failed): stops what runs beside it. */
    void abandon() {
        if (stallers != null) stallers.close();
    }

    /** Whether {@code client} stopped reading for this run: what it receives and how it ends are its own record. */
    boolean isStalled(LoadClient client) {
        return stallers != null && stallers.isStalled(client);
    }

    /** A message reached a stalled reader that reads again. */
    void stalledReceived(LoadClient client, int payloadLength, ServerMessage message) {
        stallers.received(client, payloadLength, message);
    }

    /**
     * A client ended while this run was on: a stalled reader's end is recorded as its own
     * ({@code code}: the server's close code, or {@link StalledReader#NO_CLOSE_FRAME}).
     *
     * @return whether it was a stalled reader (then its end is no fault of the run)
     */
    boolean stalledEnded(LoadClient client, int code, String note) {
        return stallers != null && stallers.ended(client, code, note);
    }

    /** A room message reached {@code recipient}. */
    void delivered(LoadClient recipient, String id, long seq, int payloadLength) {
        MessageId message = id == null ? null : MessageId.parse(id);
        if (message == null) {
            fault(id == null ? "message without our id" : "message with an id we never sent: " + id);
            return;
        }
        if (message.run() != plan.run()) return; // late, from an earlier run
        if (seq <= recipient.lastSeq) {
            duplicates++;
            if (firstError == null) firstError = "u" + recipient.index + " received seq " + seq + " again (last " + recipient.lastSeq + ")";
            return;
        }
        recipient.lastSeq = seq;
        if (stallers != null) stallers.roomMessage(recipient, payloadLength);
        arrived(recipient, message.intendedNanos());
    }

    /** The answer to a lab message ({@code computed}, {@code slept}) reached {@code connection}. */
    void labAnswered(LoadClient connection, String id, String thread) {
        MessageId message = id == null ? null : MessageId.parse(id);
        if (message == null || labTraffic == null) {
            fault("lab answer that was never asked for: " + id);
            return;
        }
        if (message.run() != plan.run()) return;
        switch (labTraffic.answered(connection, message, thread, System.nanoTime())) {
            case 1 -> arrived(connection, message.intendedNanos());
            case -1 -> {
                duplicates++;
                if (firstError == null) firstError = "u" + connection.index + " got the answer to " + id + " again";
            }
            default -> { } // the blocker's: recorded apart
        }
    }

    /** An echo came back to {@code connection}. */
    void echoed(LoadClient connection, MessageId message) {
        if (message.run() != plan.run()) return;
        if (message.k() < connection.nextEcho) {
            duplicates++;
            if (firstError == null) firstError = "u" + connection.index + " got echo " + message.k() + " again";
            return;
        }
        connection.nextEcho = message.k() + 1;
        arrived(connection, message.intendedNanos());
    }

    /** The server closed a connection with 1008: a slow consumer, by PROTOCOL.md's rule. */
    void closedAsSlowConsumer() {
        closedAsSlow++;
    }

    void fault(String reason) {
        errors++;
        if (firstError == null) firstError = reason;
    }

    private void arrived(LoadClient recipient, long intended) {
        long now = System.nanoTime();
        delivered++;
        if (inWindow(now)) arrivedInWindow++;
        if (inWindow(intended)) Histograms.recordNanos(latency, now - intended);
        if (labTraffic != null && !labTraffic.isBlocker(recipient)) labTraffic.delivered(intended, now);
    }

    private boolean inWindow(long nanos) {
        return nanos - measureStartNanos >= 0 && nanos - sendEndNanos < 0;
    }
}
