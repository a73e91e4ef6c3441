package chatlab.protocol.server;

/**
 * CPU time and context switches of the whole process since it started, the threads that have
 * ended included, as {@code getrusage(RUSAGE_SELF)} counts them.
 *
 * <p>This is the base version, for a JDK 21: it has no foreign-function API to call
 * {@code getrusage} with, so every figure is {@link #UNAVAILABLE} (-1), and a reader (the benchmark
 * harness) falls back to another method and says so. On a JDK 22 or newer the jar's
 * {@code META-INF/versions/22} holds a version of this class that makes the call (source in
 * {@code src/main/java22}); both have the same API.
 *
 * @param cpuMillis      user plus system CPU time, in milliseconds, or -1
 * @param ctxVoluntary   voluntary context switches (a thread blocked: I/O, a lock, a park), or -1
 * @param ctxInvoluntary involuntary context switches (the kernel took the CPU away), or -1
 */
public record ProcessUsage(long cpuMillis, long ctxVoluntary, long ctxInvoluntary) {

    /** What a figure is when it cannot be measured. */
    public static final long UNAVAILABLE = -1;


    /** The process's usage so far. */
    public static ProcessUsage read() {
        return new ProcessUsage(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);
    }

    /** Whether this JVM reads its own usage (false on a JDK 21, or where the call failed). */
    public boolean available() { return cpuMillis >= 0; }
}
