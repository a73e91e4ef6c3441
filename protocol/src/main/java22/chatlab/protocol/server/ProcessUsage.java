package chatlab.protocol.server;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * CPU time and context switches of the whole process since it started, the threads that have
 * ended included, from {@code getrusage(RUSAGE_SELF)} called through the foreign-function API
 * (final in Java 22). A thread-per-connection server starts and ends threads all the time (a
 * writer ends after a second with nothing to send); summing the live threads of
 * {@code /proc/PID/task} would forget everything the ended ones did.
 *
 * <p>This is the JDK 22+ version, compiled into the jar's {@code META-INF/versions/22}; the base
 * version (for a JDK 21) reports {@link #UNAVAILABLE}. Both have the same API.
 *
 * @param cpuMillis      user plus system CPU time, in milliseconds, or -1
 * @param ctxVoluntary   voluntary context switches ({@code ru_nvcsw}), or -1
 * @param ctxInvoluntary involuntary context switches ({@code ru_nivcsw}), or -1
 */
public record ProcessUsage(long cpuMillis, long ctxVoluntary, long ctxInvoluntary) {

    public static final long UNAVAILABLE = -1;

    private static final int RUSAGE_SELF = 0;
    /**
     * {@code struct rusage} on LP64 Linux (and macOS): two {@code struct timeval} of two longs
     * each (user, system), then fourteen longs, of which {@code ru_nvcsw} and {@code ru_nivcsw}
     * are the last two.
     */
    private static final long SIZE = 144;
    private static final long UTIME = 0;
    private static final long STIME = 16;
    private static final long NVCSW = 128;
    private static final long NIVCSW = 136;

    private static final MethodHandle GETRUSAGE = lookup();

    public static ProcessUsage read() {
        if (GETRUSAGE == null) return new ProcessUsage(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usage = arena.allocate(SIZE, 8);
            int result = (int) GETRUSAGE.invokeExact(RUSAGE_SELF, usage);
            if (result != 0) return new ProcessUsage(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);
            long micros = micros(usage, UTIME) + micros(usage, STIME);
            return new ProcessUsage(micros / 1000, usage.get(ValueLayout.JAVA_LONG, NVCSW), usage.get(ValueLayout.JAVA_LONG, NIVCSW));
        } catch (Throwable e) {
            return new ProcessUsage(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);
        }
    }

    public boolean available() { return cpuMillis >= 0; }

    private static long micros(MemorySegment usage, long timeval) {
        return usage.get(ValueLayout.JAVA_LONG, timeval) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, timeval + 8);
    }

    /** The downcall, or null where there is no {@code getrusage} or the layout above does not hold (not LP64). */
    private static MethodHandle lookup() {
        if (ValueLayout.ADDRESS.byteSize() != 8) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("getrusage")
                    .map(symbol -> linker.downcallHandle(symbol,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException e) {
            // IllegalCallerException when native access is denied (--illegal-native-access=deny): report unavailable.
            return null;
        }
    }
}
