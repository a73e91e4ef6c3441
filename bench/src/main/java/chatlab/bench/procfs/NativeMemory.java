package chatlab.bench.procfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's own account of its memory by Native Memory Tracking category ({@code jcmd PID
 * VM.native_memory summary}), for a JVM started with {@code -XX:NativeMemoryTracking=summary}: the
 * committed bytes of {@code Java Heap}, {@code Thread} (stacks, as far as they are touched),
 * {@code Class}, {@code Code}, {@code GC}, {@code Internal}, {@code Other} (direct buffers) and the
 * rest, and the total.
 */
public final class NativeMemory {

    public static final String PREFIX = "nmt.";
    public static final String TOTAL = PREFIX + "Total";
    /**
     * The reserved address space of each category, beside its committed bytes: a thread's stack
     * is reserved whole ({@code -Xss}) when the thread starts but committed only as far as it is touched.
     */
    public static final String RESERVED_PREFIX = "nmt-reserved.";

    private static final Pattern TOTAL_LINE = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    private NativeMemory() {}

    /**
     * Asks the JVM {@code pid} with {@code jcmd} (of the JDK at {@code javaHome}).
     *
     * @return committed bytes by {@code nmt.CATEGORY} and {@link #TOTAL}, reserved bytes by
     *         {@code nmt-reserved.CATEGORY}; empty when tracking is off
     * @throws IOException when jcmd cannot be run or does not answer in time
     */
    public static Map<String, Long> read(Path javaHome, long pid) throws IOException {
        return parse(Jcmd.run(javaHome, pid, "VM.native_memory", "summary", "scale=KB"));
    }

    /** The committed (and reserved) figures of a summary report; empty when the report says tracking is not enabled. */
    public static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> committed = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher total = TOTAL_LINE.matcher(line.trim());
            if (total.find()) {
                committed.put(TOTAL, Long.parseLong(total.group(2)) * 1024);
                committed.put(RESERVED_PREFIX + "Total", Long.parseLong(total.group(1)) * 1024);
                continue;
            }
            Matcher category = CATEGORY.matcher(line.trim());
            if (category.find()) {
                committed.put(PREFIX + category.group(1).trim(), Long.parseLong(category.group(3)) * 1024);
                committed.put(RESERVED_PREFIX + category.group(1).trim(), Long.parseLong(category.group(2)) * 1024);
            }
        }
        return committed;
    }
}
