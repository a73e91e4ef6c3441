package chatlab.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code environment.json}: the machine and the software a run was measured on, and how: CPU,
 * cores, kernel, JDK and Node versions, JVM flags, pinning, the limits that bound a flood (files,
 * pids, ports), the git commit and the exact command.
 */
public final class Environment {

    public static final String FILE = "environment.json";
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Environment() {}

    /**
     * @param command  the command line as typed ({@code ./chatlab bench ...})
     * @param settings the run's own settings (suites, steps, flags, pinning), written as given
     */
    public static ObjectNode collect(String command, Path repo, Map<String, Object> settings) {
        ObjectNode env = MAPPER.createObjectNode();
        env.put("created", Instant.now().toString());
        env.put("command", command);
        env.put("cpuModel", cpuModel());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("onlineCpus", read("/sys/devices/system/cpu/online"));
        env.put("memTotal", grep("/proc/meminfo", "MemTotal:"));
        env.put("kernel", read("/proc/sys/kernel/osrelease"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " + Runtime.version());
        env.put("javaHome", System.getProperty("java.home"));
        env.put("node", run(List.of("node", "--version"), repo));
        env.put("loadAverageAtStart", read("/proc/loadavg"));
        env.put("fileLimit", grep("/proc/self/limits", "Max open files"));
        env.put("processLimit", grep("/proc/self/limits", "Max processes"));
        env.put("pidMax", read("/proc/sys/kernel/pid_max"));
        env.put("threadsMax", read("/proc/sys/kernel/threads-max"));
        env.put("ephemeralPorts", read("/proc/sys/net/ipv4/ip_local_port_range"));
        env.put("somaxconn", read("/proc/sys/net/core/somaxconn"));
        env.put("gitCommit", run(List.of("git", "rev-parse", "HEAD"), repo));
        // Dirty means the code differs from the commit; results/ changes with every run and does not count.
        env.put("gitDirty", !run(List.of("git", "status", "--porcelain", "--", ".", ":(exclude)results"), repo).isEmpty());
        env.set("settings", MAPPER.valueToTree(settings));
        return env;
    }

    public static void write(Path file, JsonNode env) throws IOException {
        Files.writeString(file, MAPPER.writeValueAsString(env), StandardCharsets.UTF_8);
    }

    public static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }

    private static String cpuModel() {
        String model = grep("/proc/cpuinfo", "model name");
        int colon = model.indexOf(':');
        return colon >= 0 ? model.substring(colon + 1).trim() : model;
    }

    /** A small /proc or /sys file as one line (read line by line: some report a size the reads do not match). */
    private static String read(String file) {
        try {
            return String.join(" ", Files.readAllLines(Path.of(file))).trim().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String grep(String file, String prefix) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(prefix)) return line.trim().replaceAll("\\s+", " ");
            }
        } catch (IOException e) {
            // Fall through.
        }
        return "unknown";
    }

    /** A short command's output, or what went wrong; bounded to 10 seconds. */
    static String run(List<String> command, Path dir) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.exitValue() == 0 ? out : "unavailable (" + out.lines().findFirst().orElse("exit " + p.exitValue()) + ")";
            }
        } catch (IOException e) {
            return "unavailable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
