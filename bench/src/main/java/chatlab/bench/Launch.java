package chatlab.bench;

import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.GeneratorProcess;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerLauncher;
import chatlab.bench.server.SpawnedServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How the harness starts its processes, in one place for {@code ./chatlab bench} and
 * {@code ./chatlab lab}: each server as {@code chatlab serve} in its own JVM (the flags of
 * {@code server-jvm.options}, then any flags of its own), pinned to one CPU, and the load
 * generators as child JVMs pinned to the other.
 *
 * @param home           the repository root (passed to servers as {@code chatlab.home})
 * @param classpath      the CLI's class path, which servers and generators run from
 * @param pin            whether to pin with {@code taskset} (see {@link #canPin()})
 * @param serverCpu      the servers' CPU
 * @param generatorCpu   the generators' CPU
 * @param serverJvmFlags every Java server's flags ({@link ServerJvmFlags})
 * @param generatorJvmFlags the generators' flags
 */
public record Launch(Path home, String classpath, boolean pin, int serverCpu, int generatorCpu, List<String> serverJvmFlags,
                     List<String> generatorJvmFlags) {

    /** How long a server may take to print its listening line. */
    public static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(120);

    private static final String MAIN = "chatlab.cli.ChatlabCommand";
    private static final String SHOWN_CLASSPATH = "<the CLI's classpath>";

    /** This JVM's class path and java, pinned as asked where the machine allows it. */
    public static Launch of(Path home, boolean pin, int serverCpu, int generatorCpu, List<String> serverJvmFlags,
                            List<String> generatorJvmFlags) {
        return new Launch(home, System.getProperty("java.class.path"), pin && canPin(), serverCpu, generatorCpu, serverJvmFlags,
                generatorJvmFlags);
    }

    /**
     * The command that starts a server, up to (not including) the model's name, which
     * {@link SpawnedServer} appends: {@code taskset -c CPU java FLAGS EXTRA -cp ... serve --host
     * 127.0.0.1 --port 0 OPTIONS --model}. Flags of its own come after the file's, so they win.
     */
    public List<String> serverCommand(List<String> extraJvmFlags, List<String> serveOptions) {
        List<String> command = new ArrayList<>(pinned(serverCpu));
        command.add(java());
        command.addAll(serverJvmFlags);
        command.addAll(extraJvmFlags);
        command.addAll(List.of("-Dchatlab.home=" + home, "-cp", classpath, MAIN, "serve", "--host", "127.0.0.1", "--port", "0"));
        command.addAll(serveOptions);
        command.add("--model");
        return command;
    }

    /** A command as a reader of the results should see it: without this machine's class path and directory. */
    public List<String> shown(List<String> command) {
        List<String> shown = new ArrayList<>();
        for (String word : command) {
            if (word.equals(classpath)) shown.add(SHOWN_CLASSPATH);
            else if (word.equals("-Dchatlab.home=" + home)) shown.add("-Dchatlab.home=<the chatlab directory>");
            else shown.add(word);
        }
        return shown;
    }

    /**
     * Starts servers with {@code command} ({@link #serverCommand}), each logging to a file of its own
     * under {@code raw}; a suite's own {@code serve} options (a cluster's {@code --broker}) go in
     * before the model.
     */
    public ServerLauncher servers(List<String> command, Path raw) {
        return new ServerLauncher() {
            @Override
            public ServerHandle start(String model) throws IOException {
                return start(model, List.of());
            }

            @Override
            public ServerHandle start(String model, List<String> serveOptions) throws IOException {
                List<String> withOptions = new ArrayList<>(command.subList(0, command.size() - 1)); // up to --model
                withOptions.addAll(serveOptions);
                withOptions.add("--model");
                return new SpawnedServer(model, withOptions, raw.resolve(model + "-" + System.nanoTime() + ".log"), SERVER_START_TIMEOUT);
            }
        };
    }

    /** Generator child processes, logging under {@code raw}. */
    public GeneratorPool.Factory generators(Path raw) {
        List<String> command = new ArrayList<>(pinned(generatorCpu));
        command.add(java());
        command.addAll(generatorJvmFlags);
        command.addAll(List.of("-cp", classpath));
        return n -> new GeneratorProcess(command, raw.resolve("generator-" + n + ".log").toFile(), "generator-" + n);
    }

    private List<String> pinned(int cpu) {
        return pin ? List.of("taskset", "-c", Integer.toString(cpu)) : List.of();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Whether this machine can pin: {@code /proc}, two CPUs or more, and a working {@code taskset}. */
    public static boolean canPin() {
        if (!ProcReader.available() || Runtime.getRuntime().availableProcessors() < 2) return false;
        try {
            Process p = new ProcessBuilder("taskset", "-c", "0", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
