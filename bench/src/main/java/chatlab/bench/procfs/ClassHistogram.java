package chatlab.bench.procfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class ({@code jcmd PID GC.class_histogram}, which runs a full GC first):
 * for each class, its instances and their shallow bytes. Where a connection's heap goes: a
 * {@code VirtualThread} and its stack chunk per connection, the JSON library's scratch
 * {@code char[]} kept per thread, a session and its buffers.
 *
 * @param classes every class of the histogram, largest first
 * @param bytes   the histogram's total bytes
 */
public record ClassHistogram(List<Entry> classes, long instances, long bytes) {

    /** One class: its name as a Java programmer writes it ({@code byte[]}, {@code java.lang.String}). */
    public record Entry(String name, long instances, long bytes) {}

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    /**
     * Asks the JVM {@code pid} with the {@code jcmd} of the JDK at {@code javaHome}.
     *
     * @throws IOException when jcmd cannot be run, does not answer in time, or answers no histogram
     */
    public static ClassHistogram read(Path javaHome, long pid) throws IOException {
        List<String> lines = Jcmd.run(javaHome, pid, "GC.class_histogram");
        ClassHistogram histogram = parse(lines);
        if (histogram.classes().isEmpty()) {
            throw new IOException("no class histogram from jcmd " + pid + ": " + String.join(" | ", lines.subList(0, Math.min(3, lines.size()))));
        }
        return histogram;
    }

    public static ClassHistogram parse(List<String> lines) {
        List<Entry> classes = new ArrayList<>();
        long instances = 0;
        long bytes = 0;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                classes.add(new Entry(javaName(m.group(3)), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                continue;
            }
            Matcher total = TOTAL.matcher(line.trim());
            if (total.find()) {
                instances = Long.parseLong(total.group(1));
                bytes = Long.parseLong(total.group(2));
            }
        }
        return new ClassHistogram(List.copyOf(classes), instances, bytes);
    }

    /** {@code [B} as {@code byte[]}, {@code [Ljava.lang.Object;} as {@code java.lang.Object[]}; other names as they are. */
    static String javaName(String jvmName) {
        int dims = 0;
        while (dims < jvmName.length() && jvmName.charAt(dims) == '[') dims++;
        if (dims == 0) return jvmName;
        String element = jvmName.substring(dims);
        String base = switch (element) {
            case "B" -> "byte";
            case "C" -> "char";
            case "I" -> "int";
            case "J" -> "long";
            case "S" -> "short";
            case "Z" -> "boolean";
            case "F" -> "float";
            case "D" -> "double";
            default -> element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : element;
        };
        return base + "[]".repeat(dims);
    }
}
