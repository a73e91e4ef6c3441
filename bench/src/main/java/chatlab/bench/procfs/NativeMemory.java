package chatlab.bench.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private static final Pattern TOTAL_LINE = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    private NativeMemory() {}

    /**
     * Asks the JVM {@code pid} with {@code jcmd} (of the JDK at {@code javaHome}).
     *
     * @return committed bytes by {@code nmt.CATEGORY} and {@link #TOTAL}; empty when tracking is off
     * @throws IOException when jcmd cannot be run or does not answer within 30 s
     */
    public static Map<String, Long> read(Path javaHome, long pid) throws IOException {
        Process jcmd = new ProcessBuilder(javaHome.resolve("bin").resolve("jcmd").toString(), Long.toString(pid),
                "VM.native_memory", "summary", "scale=KB").redirectErrorStream(true).start();
        jcmd.getOutputStream().close();
        try (InputStream in = jcmd.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                throw new IOException("jcmd " + pid + " did not finish within 30 s");
            }
            return parse(out.lines().toList());
        } catch (InterruptedException e) {
            jcmd.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running jcmd");
        }
    }

    /** The committed figures of a summary report; empty when the report says tracking is not enabled. */
    public static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> committed = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher total = TOTAL_LINE.matcher(line.trim());
            if (total.find()) {
                committed.put(TOTAL, Long.parseLong(total.group(2)) * 1024);
                continue;
            }
            Matcher category = CATEGORY.matcher(line.trim());
            if (category.find()) committed.put(PREFIX + category.group(1).trim(), Long.parseLong(category.group(3)) * 1024);
        }
        return committed;
    }
}
