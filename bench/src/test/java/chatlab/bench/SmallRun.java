package chatlab.bench;

import chatlab.bench.load.LoadGenerator;
import chatlab.bench.results.Environment;
import chatlab.bench.server.InProcessServer;
import chatlab.protocol.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A small run recorded as a real one is, but with the servers and the load generators in the
 * test's own process, for the tests that run suites and read their files back.
 */
public final class SmallRun {

    private final Path dir;
    private final Recorder recorder;
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

    /** A run called {@code small} under {@code results/runs}. */
    public SmallRun(Path results) throws IOException {
        dir = results.resolve("runs").resolve("small");
        Files.createDirectories(dir);
        recorder = new Recorder(dir, new PrintStream(lines, true, StandardCharsets.UTF_8));
    }

    /** What a suite runs in: in-process servers, generators from the kernel's source address. */
    public SuiteContext context(int maxPerGenerator, int perAddress, long perConnectionTimeoutMillis) {
        return new SuiteContext(InProcessServer.launcher(ServerConfig.defaults()), n -> new LoadGenerator("test-generator-" + n),
                recorder, dir, maxPerGenerator, Arrays.asList((String) null), perAddress, 20, perConnectionTimeoutMillis, 0);
    }

    /** Writes its {@code environment.json}: the quick profile, and each suite's settings by name. */
    public void finish(Map<String, Object> suites) throws IOException {
        Environment.write(dir.resolve(Environment.FILE), Environment.collect("test", Path.of("."),
                Map.of("profile", "quick", "suites", suites)));
    }

    public Path dir() { return dir; }

    public Recorder recorder() { return recorder; }

    /** What the suites printed. */
    public String progress() { return lines.toString(StandardCharsets.UTF_8); }
}
