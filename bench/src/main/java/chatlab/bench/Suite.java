package chatlab.bench;

/** What {@code ./chatlab bench --suite} runs. */
public enum Suite {
    /** Small flood, short broadcast, short echo over every implementation: a few minutes. */
    QUICK,
    /** Idle connections in steps up to the file limit: memory and threads per connection. */
    FLOOD,
    /** Rooms with a fraction of senders, clients stepped up until p99 passes the threshold. */
    BROADCAST,
    /** Open-loop echo at fixed connection counts. */
    ECHO,
    /** The JMH micro-benchmarks, in a forked JVM. */
    JMH,
    /** Flood, broadcast, echo and JMH at full size. */
    ALL;

    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
