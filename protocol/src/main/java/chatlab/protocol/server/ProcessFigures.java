package chatlab.protocol.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory and thread count as the kernel sees them
 * ({@code /proc/self/status}), and the Java heap in use.
 */
public record ProcessFigures(long rssBytes, int threads, long heapUsedBytes) {

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
        return new ProcessFigures(rss, threads, heapUsed);
    }

    private static long kibibytes(String statusLine) {
        String[] parts = statusLine.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }
}
