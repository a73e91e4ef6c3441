package chatlab.bench.load;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * An open-loop send schedule over the connections a generator holds. Sender {@code i} sends its
 * k-th message at {@code start + phase_i + k * 1/ratePerSender}, whatever happened to the previous
 * ones: that intended time goes into the message's {@code id}, and latency is measured from it
 * (corrected for coordinated omission: a generator that falls behind does not hide the wait).
 *
 * @param kind              {@link Kind#BROADCAST}: {@code say} in the sender's room, every member
 *                          (sender included) must receive it once; {@link Kind#ECHO}: a text
 *                          message on {@code /echo} that must come back once
 * @param senderEvery       every n-th connection (by index) sends; 1 = all of them
 * @param ratePerSender     messages per second per sender
 * @param warmupMillis      sending before the measurement starts (delivered and checked, not timed)
 * @param durationMillis    the measured window
 * @param payloadBytes      size of the chat text or echo payload
 * @param drainTimeoutMillis after sending ends, how long to wait for what is still due
 * @param run               a number distinguishing this run's messages from an earlier run's
 * @param stall             null, or the members of each room that stop reading for the run ({@link Stall})
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
        Stall stall) {

    public enum Kind { BROADCAST, ECHO }

    @JsonCreator
    public LoadPlan {
        if (senderEvery < 1) throw new IllegalArgumentException("senderEvery must be at least 1");
        if (ratePerSender <= 0) throw new IllegalArgumentException("ratePerSender must be positive");
        if (stall != null && kind != Kind.BROADCAST) throw new IllegalArgumentException("only a broadcast has readers that can stall");
    }

    /** A plan in which every connection reads. */
    public LoadPlan(Kind kind, int senderEvery, double ratePerSender, long warmupMillis, long durationMillis, int payloadBytes,
                    long drainTimeoutMillis, int run) {
        this(kind, senderEvery, ratePerSender, warmupMillis, durationMillis, payloadBytes, drainTimeoutMillis, run, null);
    }

    /**
     * Slow consumers: in each room, its last {@code perRoom} members (by index, never a sender)
     * stop reading when the run starts, so the server has to hold what it owes them. A stalled
     * reader is no recipient in the loss check; its room's first reading member counts the bytes
     * of every room message (what the server owes the stalled one as well), and the kernel's
     * queues between the server and the stalled socket are read every {@code sampleEveryMillis}.
     * It reads again once the bytes owed to it, minus those the kernel holds for it, pass
     * {@code resumeAboveBytes} (the server must then be holding more than that itself, or have cut
     * it off), or when sending ends; from then on it counts what it receives, up to the server's
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
}
