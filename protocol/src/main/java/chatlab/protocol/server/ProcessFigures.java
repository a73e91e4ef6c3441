package chatlab.protocol.server;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process as {@code /stats} reports it: resident memory and threads as the kernel sees them
 * ({@code /proc/self/status}), the Java heap in use, CPU time and context switches of every thread
 * that ever ran ({@link ProcessUsage}), and the time the garbage collector stopped the world.
 *
 * @param rssBytes      resident memory, or -1 off Linux
 * @param threads       the kernel's thread count (the JVM's own count off Linux)
 * @param heapUsedBytes heap in use now, garbage included
 * @param usage         CPU and context switches since the process started (-1 each where unavailable)
 * @param gcPauseMillis stop-the-world pause time since the process started, by the JVM's own accounting
 */
public record ProcessFigures(long rssBytes, int threads, long heapUsedBytes, ProcessUsage usage, long gcPauseMillis) {

    private static final Path STATUS = Path.of("/proc/self/status");

    public static ProcessFigures read() {
        Runtime runtime = Runtime.getRuntime();
        long heapUsed = runtime.totalMemory() - runtime.freeMemory();
        long rss = -1;
        int threads = Thread.activeCount();
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibibytes(line) * 1024;
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: rssBytes stays -1 and threads falls back to the JVM's own count.
        }
        return new ProcessFigures(rss, threads, heapUsed, ProcessUsage.read(), totalGcPauseMillis());
    }

    /**
     * Total stop-the-world pause time, summed over the collectors' {@link GarbageCollectorMXBean}s
     * that count pauses. G1 has three: "G1 Young Generation" (young and mixed pauses), "G1 Old
     * Generation" (full collections) and, since JDK 20, "G1 Concurrent GC" (the Remark and Cleanup
     * pauses of a concurrent cycle). ZGC and Shenandoah report their concurrent cycles in beans of
     * their own ("ZGC Major Cycles", "Shenandoah Cycles") whose time is mostly not a pause: those
     * are left out, their "... Pauses" beans counted.
     */
    public static long totalGcPauseMillis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector.getName().endsWith("Cycles")) continue;
            long millis = collector.getCollectionTime();
            if (millis > 0) total += millis;
        }
        return total;
    }

    /**
     * Runs a full collection ({@link System#gc()}, a stop-the-world full GC with the JVM's default
     * settings) and returns the heap in use after it: the live heap, give or take what was
     * allocated meanwhile. Stops this process for as long as the collection takes.
     */
    public static long heapLiveBytesAfterFullGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long kibibytes(String statusLine) {
        String[] parts = statusLine.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }
}
