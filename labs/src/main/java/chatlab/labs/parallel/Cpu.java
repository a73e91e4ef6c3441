package chatlab.labs.parallel;

import chatlab.bench.SuiteContext;
import chatlab.bench.results.Csv;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who used the two cores during one step, in cores (CPU seconds per wall second): the server
 * process (its own {@code getrusage}), the generator, and the whole machine ({@code /proc/stat}),
 * so that a page can tell a server that could not use a second core from one that found none free.
 *
 * @param server    the server process over the step (warm-up, window, drain); NaN when unknown
 * @param generator the generator processes likewise; NaN when unknown
 * @param machine   every process and the kernel over the step; NaN when unknown
 * @param cpus      the machine's CPUs
 */
record Cpu(double server, double generator, double machine, int cpus) {

    static final List<String> COLUMNS = List.of("server_cores", "generator_cores", "machine_cores", "cpus");

    /** A step's figures: the harness's measurement, and the machine's busy time read before and after it. */
    static Cpu of(SuiteContext.Measured measured, long machineBusyBefore, long machineBusyAfter, double wallSeconds, int cpus) {
        double sampled = measured.sampledMillis() / 1000.0;
        double server = measured.delta().cpuMillis() < 0 || sampled <= 0 ? Double.NaN : measured.delta().cpuMillis() / 1000.0 / sampled;
        double generator = sampled <= 0 ? Double.NaN : measured.generatorCpuMillis() / 1000.0 / sampled;
        double machine = machineBusyBefore < 0 || machineBusyAfter < 0 || wallSeconds <= 0 ? Double.NaN
                : (machineBusyAfter - machineBusyBefore) / 1000.0 / wallSeconds;
        return new Cpu(server, generator, machine, cpus);
    }

    /** What the rest of the machine (other programs, the kernel's own work) used meanwhile; NaN when unknown. */
    double others() {
        if (Double.isNaN(machine) || Double.isNaN(server)) return Double.NaN;
        return Math.max(0, machine - server - (Double.isNaN(generator) ? 0 : generator));
    }

    /** The CPU nobody used during the step; NaN when unknown. */
    double idle() {
        return Double.isNaN(machine) || cpus <= 0 ? Double.NaN : Math.max(0, cpus - machine);
    }

    List<String> cells() {
        return List.of(cores(server), cores(generator), cores(machine), Csv.cell(cpus));
    }

    static Cpu of(Map<String, String> r) {
        return new Cpu(Csv.doubleOf(r.get("server_cores")), Csv.doubleOf(r.get("generator_cores")),
                Csv.doubleOf(r.get("machine_cores")), (int) Csv.longOf(r.get("cpus")));
    }

    private static String cores(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
    }
}
