package chatlab.bench.jmh;

import chatlab.bench.Overrides;
import chatlab.bench.Profile;
import chatlab.bench.Suite;
import chatlab.bench.SuiteContext;
import chatlab.bench.results.Failure;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.RunData;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JMH micro-benchmarks of this package, in a JVM of their own (JMH forks again per benchmark),
 * with JMH's GC profiler; JMH's JSON goes to the run's {@code jmh.json}. Not per implementation.
 */
public final class JmhSuite implements Suite<JmhSuite.Settings> {

    public static final String NAME = "jmh";

    /**
     * @param forks        JVMs per benchmark (each with its own JIT decisions; their spread is in the error)
     * @param warmups      warm-up iterations per fork
     * @param warmupMillis length of each
     * @param iterations   measured iterations per fork
     * @param iterationMillis length of each
     * @param include      JMH's include pattern
     */
    public record Settings(int forks, int warmups, long warmupMillis, int iterations, long iterationMillis, String include) {}

    @Override public String name() { return NAME; }
    @Override public String description() { return "the JMH micro-benchmarks (codec, fan-out, hub, threads), with allocation per operation"; }
    @Override public int order() { return 90; }
    @Override public ReportSection section() { return new JmhSection(); }

    @Override
    public Settings settings(Profile profile, Overrides overrides) {
        String include = JmhSuite.class.getPackageName().replace(".", "\\.") + "\\..*Benchmark";
        return profile == Profile.QUICK
                ? new Settings(1, 2, 500, 3, 500, include)
                : new Settings(3, 5, 1000, 5, 1000, include);
    }

    @Override
    public void run(Settings settings, SuiteContext context, List<Implementation> impls) throws IOException {
        if (context.runDir() == null) throw new IOException("the JMH suite writes jmh.json into a run directory");
        Path json = context.runDir().resolve(RunData.JMH);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), JmhLauncher.class.getName(), json.toString(),
                Integer.toString(settings.forks()), Integer.toString(settings.warmups()), Long.toString(settings.warmupMillis()),
                Integer.toString(settings.iterations()), Long.toString(settings.iterationMillis()), settings.include());
        context.recorder().say("[jmh] " + settings.forks() + " fork(s), " + settings.warmups() + " x " + settings.warmupMillis()
                + " ms warm-up and " + settings.iterations() + " x " + settings.iterationMillis()
                + " ms measured per benchmark, in a forked JVM (JMH's own output follows)");
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(3, TimeUnit.HOURS)) {
                process.destroyForcibly();
                context.recorder().fail(new Failure(NAME, "", -1, "JMH did not finish within 3 hours; stopped"));
                return;
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while JMH ran");
        }
        if (process.exitValue() != 0) context.recorder().fail(new Failure(NAME, "", -1, "JMH exited with " + process.exitValue()));
        context.recorder().say("[jmh] exit " + process.exitValue() + ", results in " + json);
    }
}
