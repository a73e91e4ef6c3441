package chatlab.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The lab's part of a {@link LoadJob} ({@link LoadPlan.Lab}): the deliveries' latency by time
 * bucket, the blocker's own schedule of lab messages and its answers, and the answers to the
 * senders' lab messages ({@link LoadPlan.Kind#WORK}), each counted once. Runs on the generator's
 * selector thread, like the job.
 */
final class LabTraffic {

    /** One lab message the blocker is to send, and what became of it. */
    private static final class Request {
        final LoadPlan.Work work;
        final long intendedNanos;
        long latencyMicros = -1;
        String thread = "";

        Request(LoadPlan.Work work, long intendedNanos) {
            this.work = work;
            this.intendedNanos = intendedNanos;
        }
    }

    private final LoadPlan.Lab lab;
    private final int run;
    private final long startNanos;
    private final long bucketNanos;
    private final TreeMap<Long, long[]> buckets = new TreeMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final LoadClient blocker;
    private int nextRequest;
    private int answered;
    /** Senders' lab messages answered, by sender, by number: a second answer is a duplicate. */
    private final Map<LoadClient, BitSet> workAnswered = new HashMap<>();

    LabTraffic(LoadPlan.Lab lab, int run, Iterable<LoadClient> ready, long startNanos) {
        this.lab = lab;
        this.run = run;
        this.startNanos = startNanos;
        this.bucketNanos = TimeUnit.MILLISECONDS.toNanos(lab.bucketMillis());
        LoadClient found = null;
        if (lab.blocker() != null) {
            for (LoadClient connection : ready) {
                if (connection.index == lab.blocker().index()) found = connection;
            }
        }
        this.blocker = found;
        if (blocker != null) {
            for (LoadPlan.Burst burst : lab.blocker().bursts()) {
                for (long at = burst.fromMillis(); at < burst.toMillis(); at += burst.everyMillis()) {
                    requests.add(new Request(burst.work(), startNanos + TimeUnit.MILLISECONDS.toNanos(at)));
                }
            }
            requests.sort((a, b) -> Long.compare(a.intendedNanos, b.intendedNanos));
        }
    }

    boolean isBlocker(LoadClient connection) {
        return connection == blocker;
    }

    /** When the blocker's next message is due, or {@link Long#MAX_VALUE}. */
    long nextWakeNanos() {
        return nextRequest < requests.size() ? requests.get(nextRequest).intendedNanos : Long.MAX_VALUE;
    }

    /** Whether the blocker has sent all it is to send. */
    boolean sendingDone() {
        return nextRequest >= requests.size();
    }

    /** Whether every message the blocker sent has its answer. */
    boolean allAnswered() {
        return answered >= nextRequest;
    }

    /** Sends the blocker's messages that are due (each stamped with its intended time). */
    void advance(LoadGenerator generator, long now) {
        while (nextRequest < requests.size() && requests.get(nextRequest).intendedNanos <= now) {
            Request request = requests.get(nextRequest);
            if (blocker.state == LoadClient.State.READY) {
                try {
                    blocker.say(text(request.work, new MessageId(run, request.intendedNanos, blocker.index, nextRequest)));
                } catch (IOException e) {
                    // Never answered: the blocker's failure is a fault of its own.
                    generator.fail(blocker, LoadGenerator.describe(e));
                }
            }
            nextRequest++;
        }
    }

    /** A lab message as PROTOCOL.md writes it. */
    static String text(LoadPlan.Work work, MessageId id) {
        return "{\"type\":\"" + work.type() + "\",\"millis\":" + work.millis() + ",\"id\":\"" + id.encode() + "\"}";
    }

    /**
     * A lab message's answer reached {@code connection}.
     *
     * @return 1 when it is a sender's first answer to that message (a delivery), 0 when it was the
     *         blocker's, -1 when it is a duplicate
     */
    int answered(LoadClient connection, MessageId message, String thread, long now) {
        if (connection == blocker) {
            int k = (int) message.k();
            if (k < 0 || k >= requests.size() || requests.get(k).latencyMicros >= 0) return -1;
            requests.get(k).latencyMicros = TimeUnit.NANOSECONDS.toMicros(now - message.intendedNanos());
            requests.get(k).thread = thread == null ? "" : thread;
            answered++;
            return 0;
        }
        BitSet seen = workAnswered.computeIfAbsent(connection, c -> new BitSet());
        if (message.k() > Integer.MAX_VALUE || seen.get((int) message.k())) return -1;
        seen.set((int) message.k());
        return 1;
    }

    /** A delivery of a message intended at {@code intendedNanos} arrived at {@code now} (not the blocker's). */
    void delivered(long intendedNanos, long now) {
        if (bucketNanos <= 0) return;
        long bucket = Math.max(0, (intendedNanos - startNanos) / bucketNanos);
        long[] figures = buckets.computeIfAbsent(bucket, b -> new long[3]);
        long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(now - intendedNanos));
        figures[0]++;
        figures[1] += micros;
        figures[2] = Math.max(figures[2], micros);
    }

    List<LoadResult.Bucket> timeline() {
        List<LoadResult.Bucket> timeline = new ArrayList<>();
        for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
            long[] f = e.getValue();
            timeline.add(new LoadResult.Bucket(e.getKey() * lab.bucketMillis(), f[0], f[1], f[2]));
        }
        return timeline;
    }

    List<LoadResult.Answer> blocked() {
        List<LoadResult.Answer> answers = new ArrayList<>();
        for (int i = 0; i < nextRequest; i++) {
            Request r = requests.get(i);
            answers.add(new LoadResult.Answer(r.work.type(), r.work.millis(),
                    TimeUnit.NANOSECONDS.toMillis(r.intendedNanos - startNanos), r.latencyMicros, r.thread));
        }
        return answers;
    }
}
