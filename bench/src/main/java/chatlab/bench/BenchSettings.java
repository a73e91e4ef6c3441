package chatlab.bench;

import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@code ./chatlab bench} run is told: what to run (suites with their settings, at a
 * profile), against what, and how (flags, pinning, how connections are spread).
 *
 * @param home           the repository root (where git runs, where the flags file is, what paths are shown from)
 * @param results        the results directory ({@code results/} under the root unless told otherwise)
 * @param runName        the run's directory under {@code results/runs/}
 * @param command        the command line as typed, for the record
 * @param profile        quick or full
 * @param suites         the suites to run, in order, each with its settings
 * @param impls          the implementations, in order
 * @param classModels    then a student's classes, as {@code serve --model} names them ({@code class:my.EchoServer}); usually none
 * @param classPath      where those classes are, for {@code serve --classpath}; null without them
 * @param serverJvmFlags the same flags for every Java server, from {@link ServerJvmFlags#FILE}
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
 * @param serveOptions   options given to every server's {@code chatlab serve}, before {@code --model} (none by default)
 */
public record BenchSettings(
        Path home,
        Path results,
        String runName,
        String command,
        Profile profile,
        List<Planned<?>> suites,
        List<Implementation> impls,
        List<String> classModels,
        String classPath,
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
        Duration settle,
        List<String> serveOptions) {

    public static final List<String> GENERATOR_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");

    /** A suite with the settings it will run with. */
    public record Planned<S>(Suite<S> suite, S settings) {

        static <S> Planned<S> of(Suite<S> suite, Profile profile, Overrides overrides) {
            return new Planned<>(suite, suite.settings(profile, overrides));
        }

        void run(SuiteContext context, List<Implementation> impls) throws IOException {
            suite.run(settings, context, impls);
        }
    }

    /**
     * The settings for a selection ({@link Suites#select}) with the command line's overrides.
     *
     * @throws IOException when the servers' flags file cannot be read
     */
    public static BenchSettings of(Path home, Path results, String runName, String command, Suites.Selection selection,
                                   List<Implementation> impls, Overrides overrides) throws IOException {
        List<Planned<?>> planned = new ArrayList<>();
        for (Suite<?> suite : selection.suites()) planned.add(Planned.of(suite, selection.profile(), overrides));
        boolean quick = selection.profile() == Profile.QUICK;
        List<String> addresses = new ArrayList<>(Arrays.asList(null, "127.0.0.2", "127.0.0.3", "127.0.0.4"));
        return new BenchSettings(home, results, runName, command, selection.profile(), planned, impls, List.of(), null,
                ServerJvmFlags.read(home),
                GENERATOR_JVM_FLAGS, true, 1, 0, 15_000, addresses, 25_000, 50, Duration.ofSeconds(15),
                Duration.ofMillis(quick ? 500 : 2_000), List.of());
    }

    public BenchSettings withoutPinning() {
        return new BenchSettings(home, results, runName, command, profile, suites, impls, classModels, classPath, serverJvmFlags,
                generatorJvmFlags, false, serverCpu, generatorCpu, maxPerGenerator, sourceAddresses, perAddress, maxInFlight,
                perConnectionTimeout, settle, serveOptions);
    }

    /**
     * The same run, with a student's classes after the implementations (the exercise track's
     * hook): every server's {@code serve} is told where they are.
     */
    public BenchSettings withClasses(List<String> classModels, String classPath) {
        List<String> options = new ArrayList<>(serveOptions);
        options.addAll(List.of("--classpath", classPath));
        return new BenchSettings(home, results, runName, command, profile, suites, impls, List.copyOf(classModels), classPath,
                serverJvmFlags, generatorJvmFlags, pin, serverCpu, generatorCpu, maxPerGenerator, sourceAddresses, perAddress,
                maxInFlight, perConnectionTimeout, settle, List.copyOf(options));
    }

    /** Every server's name, in order: the implementations, then the student's classes. */
    public List<String> models() {
        List<String> models = new ArrayList<>(impls.stream().map(Implementation::id).toList());
        models.addAll(classModels);
        return models;
    }

    /** The same run with {@code options} added to every server's {@code chatlab serve} (e.g. {@code --json-recycler thread-local}). */
    public BenchSettings withServeOptions(List<String> options) {
        List<String> all = new ArrayList<>(serveOptions);
        all.addAll(options);
        return new BenchSettings(home, results, runName, command, profile, suites, impls, classModels, classPath, serverJvmFlags,
                generatorJvmFlags, pin, serverCpu, generatorCpu, maxPerGenerator, sourceAddresses, perAddress, maxInFlight,
                perConnectionTimeout, settle, List.copyOf(all));
    }

    public Path runDir() { return results.resolve("runs").resolve(runName); }

    /** What goes into {@code environment.json} under {@code settings}. */
    public Map<String, Object> describe(List<String> serverCommand) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", profile.toString());
        Map<String, Object> suiteSettings = new LinkedHashMap<>();
        for (Planned<?> p : suites) suiteSettings.put(p.suite().name(), p.settings());
        m.put("suites", suiteSettings);
        m.put("impls", models());
        if (classPath != null) m.put("classPath", classPath);
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
