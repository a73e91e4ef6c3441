package chatlab.bench.load;

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
 */
public record LoadPlan(
        Kind kind,
        int senderEvery,
        double ratePerSender,
        long warmupMillis,
        long durationMillis,
        int payloadBytes,
        long drainTimeoutMillis,
        int run) {

    public enum Kind { BROADCAST, ECHO }

    public LoadPlan {
        if (senderEvery < 1) throw new IllegalArgumentException("senderEvery must be at least 1");
        if (ratePerSender <= 0) throw new IllegalArgumentException("ratePerSender must be positive");
    }
}
