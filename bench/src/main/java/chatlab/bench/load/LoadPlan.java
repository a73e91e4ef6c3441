package chatlab.bench.load;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * An open-loop send schedule over the connections a generator holds. Sender {@code i} sends its
 * k-th message at {@code start + phase_i + k * 1/ratePerSender}, whatever happened to the previous
 * ones: that intended time goes into the message's {@code id}, and latency is measured from it
 * (corrected for coordinated omission: a generator that falls behind does not hide the wait).
 *
 * @param kind              {@link Kind#BROADCAST}: {@code say} in the sender's room, every member
 *                          (sender included) must receive it once; {@link Kind#ECHO}: a text
 *                          message on {@code /echo} that must come back once; {@link Kind#WORK}: the
 *                          lab message of {@link Lab#work()} on {@code /ws}, whose answer comes back
 *                          to the sender once
 * @param senderEvery       every n-th connection (by index) sends; 1 = all of them
 * @param ratePerSender     messages per second per sender
 * @param warmupMillis      sending before the measurement starts (delivered and checked, not timed)
 * @param durationMillis    the measured window
 * @param payloadBytes      size of the chat text or echo payload
 * @param drainTimeoutMillis after sending ends, how long to wait for what is still due
 * @param run               a number distinguishing this run's messages from an earlier run's
 * @param stall             null, or the members of each room that stop reading for the run ({@link Stall})
 * @param lab               null, or the lab's messages in the run ({@link Lab}): the server must run with {@code --lab}
 */
public record LoadPlan(
        Kind kind,
        int senderEvery,
        double ratePerSender,
        long warmupMillis,
        long durationMillis,
        int payloadBytes,
        long drainTimeoutMillis,
        int run,
        Stall stall,
        Lab lab) {

    public enum Kind { BROADCAST, ECHO, WORK }

    @JsonCreator
    public LoadPlan {
        if (senderEvery < 1) throw new IllegalArgumentException("senderEvery must be at least 1");
        if (ratePerSender <= 0) throw new IllegalArgumentException("ratePerSender must be positive");
        if (stall != null && kind != Kind.BROADCAST) throw new IllegalArgumentException("only a broadcast has readers that can stall");
        if (kind == Kind.WORK && (lab == null || lab.work() == null)) throw new IllegalArgumentException("a WORK plan needs lab.work");
        if (lab != null && lab.blocker() != null && kind == Kind.ECHO) throw new IllegalArgumentException("lab messages go to /ws, not /echo");
    }

    /** A plan in which every connection reads. */
    public LoadPlan(Kind kind, int senderEvery, double ratePerSender, long warmupMillis, long durationMillis, int payloadBytes,
                    long drainTimeoutMillis, int run) {
        this(kind, senderEvery, ratePerSender, warmupMillis, durationMillis, payloadBytes, drainTimeoutMillis, run, null, null);
    }

    /** A plan without the lab's messages. */
    public LoadPlan(Kind kind, int senderEvery, double ratePerSender, long warmupMillis, long durationMillis, int payloadBytes,
                    long drainTimeoutMillis, int run, Stall stall) {
        this(kind, senderEvery, ratePerSender, warmupMillis, durationMillis, payloadBytes, drainTimeoutMillis, run, stall, null);
    }

    /**
     * Slow consumers: in each room, its last {@code perRoom} members (by index, never a sender)
     * stop reading when the run starts, so the server has to hold what it owes them. A stalled
     * reader is no recipient in the loss check. Every {@code sampleEveryMillis} the kernel's queues
     * are read ({@code /proc/net/tcp}): between the server and the stalled socket, and between the
     * server and the room's first reading member, whose bytes read plus bytes in the kernel are what
     * the server has written for every member so far, the stalled one included.
     * It reads again once the bytes owed to it, minus those the kernel holds for it, pass
     * {@code resumeAboveBytes} (the server must then be holding more than that itself, or have cut
     * it off), or once sending has ended and the server has written out everything sent (what is
     * owed stays put for a second); from then on it counts what it receives, up to the server's
     * close.
     *
     * @param perRoom           members per room that stop reading
     * @param resumeAboveBytes  read again once the server must be holding more than this for it
     * @param sampleEveryMillis how often the kernel's queues are read
     */
    public record Stall(int perRoom, long resumeAboveBytes, long sampleEveryMillis) {
        public Stall {
            if (perRoom < 1) throw new IllegalArgumentException("perRoom must be at least 1");
            if (sampleEveryMillis < 1) throw new IllegalArgumentException("sampleEveryMillis must be positive");
        }
    }

    /**
     * The lab's messages in a run (PROTOCOL.md "Lab extensions").
     *
     * @param work         for {@link Kind#WORK}: what every sender sends, instead of a chat message
     * @param blocker      null, or one connection that sends lab messages on a schedule of its own, instead of chat
     * @param bucketMillis 0, or the width of the time buckets in which the deliveries' latency is also
     *                     recorded, by intended send time from the start of the run, warm-up included
     *                     ({@link LoadResult#timeline()}); the blocker's deliveries are left out
     */
    public record Lab(Work work, Blocker blocker, long bucketMillis) {
        public Lab {
            if (bucketMillis < 0) throw new IllegalArgumentException("bucketMillis must not be negative");
        }
    }

    /** A lab message: {@code compute} (burns CPU) or {@code sleep} (blocks) for {@code millis}. */
    public record Work(String type, int millis) {
        public Work {
            if (!type.equals("compute") && !type.equals("sleep")) throw new IllegalArgumentException("work is compute or sleep, not " + type);
            if (millis < 0 || millis > 5000) throw new IllegalArgumentException("millis is 0 to 5000");
        }
    }

    /**
     * The connection numbered {@code index} sends no chat (it still receives its room's); it sends
     * the lab messages of its {@code bursts}, and its answers are recorded one by one, apart from
     * the other connections' deliveries ({@link LoadResult#blocked()}).
     */
    public record Blocker(int index, List<Burst> bursts) {
        public Blocker {
            bursts = List.copyOf(bursts);
        }
    }

    /** {@code work} every {@code everyMillis}, from {@code fromMillis} until before {@code toMillis} after the run starts (warm-up included). */
    public record Burst(Work work, long fromMillis, long toMillis, long everyMillis) {
        public Burst {
            if (everyMillis < 1 || toMillis < fromMillis) throw new IllegalArgumentException("a burst needs every >= 1 and to >= from");
        }
    }
}
