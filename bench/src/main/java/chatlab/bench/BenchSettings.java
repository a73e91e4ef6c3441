package chatlab.bench;

import chatlab.bench.broadcast.BroadcastSuite;
import chatlab.bench.echo.EchoSuite;
import chatlab.bench.flood.FloodSuite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a {@code ./chatlab bench} run is told, with the quick and full defaults in one place.
 *
 * @param home           the repository root (where git runs and paths are shown from)
 * @param results        the results directory ({@code results/} under the root unless told otherwise)
 * @param runName        the run's directory under {@code results/runs/}
 * @param command        the command line as typed, for the record
 * @param profile        {@code quick} or {@code full}
 * @param suites         the suites to run, in order
 * @param impls          the implementations, in order
 * @param flood          the flood's steps and rooms
 * @param broadcast      the broadcast's steps and schedule
 * @param echo           the echo's steps and schedule
 * @param jmhQuick       fewer and shorter JMH iterations
 * @param serverJvmFlags the same flags for every Java server
 * @param generatorJvmFlags flags of the generator processes
 * @param pin            pin servers and generators to one CPU each with {@code taskset}
 * @param serverCpu      the servers' CPU
 * @param generatorCpu   the generators' CPU
 * @param maxPerGenerator connections per generator process
 * @param sourceAddresses source addresses, in order of use (null: the kernel's choice)
 * @param perAddress     connections per source address
 * @param maxInFlight    connects in progress at once per generator
 * @param perConnectionTimeout a connection not ready within this has failed
 * @param settle         pause before sampling after connecting
 */
public record BenchSettings(
        Path home,
        Path results,
        String runName,
        String command,
        String profile,
        List<Suite> suites,
        List<Impl> impls,
        FloodSuite.Settings flood,
        BroadcastSuite.Settings broadcast,
        EchoSuite.Settings echo,
        boolean jmhQuick,
        List<String> serverJvmFlags,
        List<String> generatorJvmFlags,
        boolean pin,
        int serverCpu,
        int generatorCpu,
        int maxPerGenerator,
        List<String> sourceAddresses,
        int perAddress,
        int maxInFlight,
        Duration perConnectionTimeout,
        Duration settle) {

    public static final List<String> SERVER_JVM_FLAGS = List.of("-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
    public static final List<String> GENERATOR_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
    /**
     * The settings for {@code suite} with the command line's overrides applied (null = default).
     *
     * @param maxConnections cap on every suite's steps; for the flood, also its last step (default: the
     *                       server's file limit in a full run)
     * @param duration       the measured window of broadcast and echo
     */
    public static BenchSettings of(Path home, Path results, String runName, String command, Suite suite, List<Impl> impls,
                                   Integer maxConnections, Duration duration, Long p99ThresholdMillis) {
        boolean quick = suite == Suite.QUICK;
        List<Suite> suites = switch (suite) {
            case QUICK -> List.of(Suite.FLOOD, Suite.BROADCAST, Suite.ECHO);
            case ALL -> List.of(Suite.FLOOD, Suite.BROADCAST, Suite.ECHO, Suite.JMH);
            default -> List.of(suite);
        };
        List<Integer> floodSteps = quick ? List.of(250, 500, 1000, 2000)
                : List.of(1000, 2000, 5000, 10000, 15000, 19000);
        List<Integer> broadcastSteps = quick ? List.of(100, 250, 500)
                : List.of(1000, 2000, 5000, 10000, 15000, 19000);
        List<Integer> echoSteps = quick ? List.of(50, 200) : List.of(100, 1000, 5000, 10000);
        boolean floodToFileLimit = maxConnections == null && !quick;
        int floodMax = maxConnections != null ? maxConnections : quick ? 2000 : Integer.MAX_VALUE;
        int max = maxConnections != null ? maxConnections : Integer.MAX_VALUE;
        long window = duration != null ? duration.toMillis() : quick ? 3_000 : 15_000;
        long warmup = quick ? 1_000 : 5_000;
        long threshold = p99ThresholdMillis != null ? p99ThresholdMillis : 250;
        var flood = new FloodSuite.Settings(capped(floodSteps, floodMax, !floodToFileLimit), 20, floodToFileLimit);
        long firstWarmup = quick ? 5_000 : 15_000;
        var broadcast = new BroadcastSuite.Settings(capped(broadcastSteps, max, false), quick ? 50 : 100, 10,
                quick ? 2.0 : 1.0, warmup, firstWarmup, window, 64, threshold, quick ? 3_000 : 10_000);
        var echo = new EchoSuite.Settings(capped(echoSteps, max, false), quick ? 20.0 : 5.0, warmup, firstWarmup, window, 64,
                quick ? 3_000 : 10_000);
        List<String> addresses = new ArrayList<>(Arrays.asList(null, "127.0.0.2", "127.0.0.3", "127.0.0.4"));
        return new BenchSettings(home, results, runName, command, quick ? "quick" : "full", suites, impls, flood, broadcast, echo,
                quick, SERVER_JVM_FLAGS, GENERATOR_JVM_FLAGS, true, 1, 0, 15_000, addresses, 25_000, 50,
                Duration.ofSeconds(15), Duration.ofMillis(quick ? 500 : 2_000));
    }

    /** Steps up to {@code max}; with {@code endAtMax}, {@code max} itself is the last step. */
    static List<Integer> capped(List<Integer> steps, int max, boolean endAtMax) {
        List<Integer> out = new ArrayList<>();
        for (int step : steps) if (step <= max) out.add(step);
        if (endAtMax && (out.isEmpty() || out.get(out.size() - 1) < max)) out.add(max);
        if (out.isEmpty()) out.add(max);
        return out;
    }

    public Path resultsDir() { return results; }

    public Path runDir() { return resultsDir().resolve("runs").resolve(runName); }

    public Set<Suite> suiteSet() { return suites.isEmpty() ? Set.of() : EnumSet.copyOf(suites); }

    /** What goes into {@code environment.json} under {@code settings}. */
    public Map<String, Object> describe(List<String> serverCommand) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", profile);
        m.put("suites", suites.stream().map(Suite::toString).toList());
        m.put("impls", impls.stream().map(Impl::model).toList());
        m.put("flood", flood);
        m.put("broadcast", broadcast);
        m.put("echo", echo);
        m.put("jmhQuick", jmhQuick);
        m.put("serverCommand", String.join(" ", serverCommand) + " MODEL");
        m.put("serverJvmFlags", String.join(" ", serverJvmFlags));
        m.put("generatorJvmFlags", String.join(" ", generatorJvmFlags));
        m.put("pinned", pin);
        m.put("serverCpu", pin ? Integer.toString(serverCpu) : "any");
        m.put("generatorCpu", pin ? Integer.toString(generatorCpu) : "any");
        m.put("maxPerGenerator", maxPerGenerator);
        m.put("sourceAddresses", sourceAddresses.stream().map(a -> a == null ? "127.0.0.1 (kernel's choice)" : a).toList());
        m.put("perAddress", perAddress);
        m.put("maxInFlight", maxInFlight);
        m.put("perConnectionTimeoutMillis", perConnectionTimeout.toMillis());
        m.put("settleMillis", settle.toMillis());
        return m;
    }
}
