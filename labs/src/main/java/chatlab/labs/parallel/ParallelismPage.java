package chatlab.labs.parallel;

import chatlab.bench.Format;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Report;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.labs.LabContext;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import chatlab.labs.Variant;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parallelism lab's page: work completed against work offered, in cores, per server, and a reading computed from it. */
final class ParallelismPage implements LabPage {

    static final String COMPUTE = "compute.csv";

    /** Work completed at the top step of at least this many cores "used both cores". */
    static final double BOTH = 1.25;
    /** ... and at most this many, with at least {@link #OVER_ONE} offered, "stayed at one". */
    static final double ONE = 1.1;
    static final double OVER_ONE = 1.4;
    /**
     * A step with less than this much CPU left idle on the machine had none to spare: a server
     * that did not use both cores there may have been crowded out rather than unable to.
     */
    static final double IDLE_LEFT = 0.4;

    private static final List<String> COLUMNS = List.of("server", "offered_cores", "offered_per_s", "delivered_per_s", "compute_ms",
            "server_cores", "generator_cores", "p50_us", "p99_us", "machine_cores", "cpus", "sent", "delivered", "lost");

    /**
     * One step of the computing part.
     *
     * @param offeredCores   cores' worth of {@code compute} offered per second
     * @param offeredPerS    computes per second the schedule asked for in the window
     * @param deliveredPerS  answers per second that arrived in the window
     * @param computeMillis  the CPU time of one compute
     * @param serverCores    the server process's CPU time over the step (warm-up, window, drain) per wall second
     * @param generatorCores the generator's likewise
     * @param machineCores   the whole machine's busy CPU time over the step per wall second: every process and the kernel
     * @param cpus           the machine's CPUs
     */
    record Step(String server, double offeredCores, double offeredPerS, double deliveredPerS, long computeMillis, double serverCores,
                double generatorCores, long p50Us, long p99Us, double machineCores, int cpus, long sent, long delivered, long lost) {

        /** Cores' worth of work the server completed per second of the window. */
        double completedCores() {
            return deliveredPerS * computeMillis / 1000.0;
        }

        /** What the rest of the machine (other programs, the kernel's own work) used meanwhile, in cores; NaN when unknown. */
        double otherCores() {
            if (Double.isNaN(machineCores) || Double.isNaN(serverCores)) return Double.NaN;
            return Math.max(0, machineCores - serverCores - (Double.isNaN(generatorCores) ? 0 : generatorCores));
        }

        /** The CPU nobody used during the step, in cores; NaN when unknown. */
        double idleCores() {
            return Double.isNaN(machineCores) || cpus <= 0 ? Double.NaN : Math.max(0, cpus - machineCores);
        }

        List<String> cells() {
            return List.of(server, String.format(Locale.ROOT, "%.2f", offeredCores), Csv.cell(offeredPerS), Csv.cell(deliveredPerS),
                    Csv.cell(computeMillis), cores(serverCores), cores(generatorCores), Csv.cell(p50Us), Csv.cell(p99Us),
                    cores(machineCores), Csv.cell(cpus), Csv.cell(sent),
                    Csv.cell(delivered), Csv.cell(lost));
        }

        static Step of(Map<String, String> r) {
            return new Step(r.get("server"), Csv.doubleOf(r.get("offered_cores")), Csv.doubleOf(r.get("offered_per_s")),
                    Csv.doubleOf(r.get("delivered_per_s")), Csv.longOf(r.get("compute_ms")), Csv.doubleOf(r.get("server_cores")),
                    Csv.doubleOf(r.get("generator_cores")), Csv.longOf(r.get("p50_us")), Csv.longOf(r.get("p99_us")),
                    Csv.doubleOf(r.get("machine_cores")), (int) Csv.longOf(r.get("cpus")), Csv.longOf(r.get("sent")), Csv.longOf(r.get("delivered")), Csv.longOf(r.get("lost")));
        }

        private static String cores(double value) {
            return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
        }
    }

    static void write(LabContext context, List<Step> steps) throws IOException {
        if (context.dir() == null) return;
        Csv.write(context.file(COMPUTE), COLUMNS, steps.stream().map(Step::cells).toList());
    }

    static List<Step> steps(RunData run) throws IOException {
        return LabData.csv(run, COMPUTE, COLUMNS).stream().map(Step::of).toList();
    }

    @Override
    public Table table(RunData run) {
        Table.Builder table = Table.of("server", "offered (cores)", "completed (cores)", "answers / s (offered)", "server CPU (cores)",
                "p50", "p99", "generator CPU (cores)", "other work (cores)", "idle (cores)", "lost");
        try {
            for (Step s : steps(run)) {
                table.row(s.server(), Format.decimal(s.offeredCores()), Format.decimal(s.completedCores()),
                        Format.count(s.deliveredPerS()) + " (" + Format.count(s.offeredPerS()) + ")", Format.decimal(s.serverCores()),
                        Format.micros(s.p50Us()), Format.micros(s.p99Us()), Format.decimal(s.generatorCores()),
                        Format.decimal(s.otherCores()), Format.decimal(s.idleCores()), Format.count(s.lost()));
            }
        } catch (IOException e) {
            table.row("unreadable: " + e.getMessage());
        }
        return table.build();
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        List<Step> steps = steps(run);
        List<String> labels = LabData.variants(run).stream().map(Variant::label).toList();
        report.paragraph(String.format(Locale.ROOT, "The load: %s clients, each its own room, send the lab's `compute` of %s ms (CPU "
                        + "time spent hashing on whichever thread the server runs it) at a rate that adds up to the offered cores' "
                        + "worth of work per second (open loop; 1 core = %s computes a second). Each step: warm-up %s ms, window "
                        + "%s ms. *Completed* is the answers that arrived in the window per second, times %s ms: the cores' worth of "
                        + "work the server got done. Unlike the other labs, each server may use both cores: it is started pinned to "
                        + "one, with `%s` so that the JVM sizes its pools for two, and then allowed CPUs %s (`taskset -a -p -c %s "
                        + "PID`). The generator stays on CPU 0 and sends a few hundred small messages a second; its CPU is in the "
                        + "table.", s.path("clients").asText("?"), s.path("computeMillis").asText("?"),
                1000 / Math.max(1, s.path("computeMillis").asLong(1)), s.path("warmupMillis").asText("?"),
                s.path("durationMillis").asText("?"), s.path("computeMillis").asText("?"), ParallelismLab.BOTH_CORES_FLAG,
                ParallelismLab.SERVER_CPUS, ParallelismLab.SERVER_CPUS));
        List<Charts.Series> completed = series(run, labels, steps, Step::completedCores);
        double top = steps.stream().mapToDouble(Step::offeredCores).max().orElse(0);
        if (top > 0) completed.add(new Charts.Series("offered", List.of(0.0, top), List.of(0.0, top), Color.GRAY, true));
        report.image("Work completed against work offered", Charts.xy(run.dir().resolve("completed.png"),
                "Work completed (cores) against work offered (cores), compute of " + s.path("computeMillis").asText("?") + " ms",
                "offered (cores' worth of compute per second)", "completed (cores)", false, completed));
        report.image("Latency of the answers", Charts.xy(run.dir().resolve("latency.png"),
                "p99 latency of the answers (from the intended send time)", "offered (cores' worth of compute per second)",
                "p99 latency (ms)", true, series(run, labels, steps, x -> x.p99Us() < 0 ? Double.NaN : x.p99Us() / 1000.0)));
        report.h3("Reading");
        report.paragraph(usedBothCores(steps));
        report.paragraph(stayedAtOne(steps));
        report.paragraph(crowdedOut(steps));
        report.paragraph(generator(steps));
    }

    @Override
    public String describe(String file) {
        return COMPUTE.equals(file) ? "one line per step of each server: offered and completed work, CPU of the server, the generator and the whole machine, latency" : null;
    }

    private static List<Charts.Series> series(RunData run, List<String> labels, List<Step> steps,
                                              java.util.function.ToDoubleFunction<Step> y) {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : labels) {
            List<Step> mine = steps.stream().filter(x -> x.server().equals(label) && !Double.isNaN(y.applyAsDouble(x))).toList();
            if (mine.isEmpty()) continue;
            series.add(new Charts.Series(label, mine.stream().map(Step::offeredCores).toList(),
                    mine.stream().map(y::applyAsDouble).toList(), LabData.color(run, label), false));
        }
        return series;
    }

    /** Each server's step with the most work offered. */
    static Map<String, Step> topSteps(List<Step> steps) {
        Map<String, Step> top = new LinkedHashMap<>();
        for (Step step : steps) top.merge(step.server(), step, (a, b) -> b.offeredCores() >= a.offeredCores() ? b : a);
        return top;
    }

    /** The servers that completed at least {@link #BOTH} cores' worth at their top step. Null when none did. */
    static String usedBothCores(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step top : topSteps(steps).values()) {
            if (top.completedCores() >= BOTH) {
                items.add(String.format(Locale.ROOT, "`%s` completed %s of %s offered (its process used %s cores)", top.server(),
                        Format.decimal(top.completedCores()), Format.decimal(top.offeredCores()), Format.decimal(top.serverCores())));
            }
        }
        if (items.isEmpty()) return null;
        return "More than one core's worth of work got done by " + String.join("; ", items) + ": their requests ran on several "
                + "threads at once, which the kernel spread over both cores.";
    }

    /**
     * The servers that completed at most {@link #ONE} core's worth at a top step offering at least
     * {@link #OVER_ONE}, while the machine still had {@link #IDLE_LEFT} cores idle: they could have
     * used more and did not. Null when none.
     */
    static String stayedAtOne(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step top : topSteps(steps).values()) {
            if (top.offeredCores() >= OVER_ONE && top.completedCores() <= ONE && top.idleCores() >= IDLE_LEFT) {
                items.add(String.format(Locale.ROOT, "`%s` completed %s of %s offered, its process using %s cores while %s "
                                + "cores of the machine stayed idle, and its p99 grew to %s", top.server(),
                        Format.decimal(top.completedCores()), Format.decimal(top.offeredCores()), Format.decimal(top.serverCores()),
                        Format.decimal(top.idleCores()), Format.micros(top.p99Us())));
            }
        }
        if (items.isEmpty()) return null;
        return "At most one core's worth got done by " + String.join("; ", items) + ": the machine had CPU to spare, but its "
                + "computes ran on one thread, one after another, and what was offered beyond one core queued up.";
    }

    /**
     * The servers that did not use both cores at a top step offering at least {@link #OVER_ONE}
     * while the machine had less than {@link #IDLE_LEFT} idle: other work took the CPU, and this
     * run cannot tell whether the server would have used both. Null when none.
     */
    static String crowdedOut(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step top : topSteps(steps).values()) {
            if (top.offeredCores() >= OVER_ONE && top.completedCores() < BOTH && !(top.idleCores() >= IDLE_LEFT)) {
                items.add(String.format(Locale.ROOT, "`%s` (completed %s of %s offered, its process using %s cores, other work %s, "
                                + "idle %s)", top.server(), Format.decimal(top.completedCores()), Format.decimal(top.offeredCores()),
                        Format.decimal(top.serverCores()), Format.decimal(top.otherCores()), Format.decimal(top.idleCores())));
            }
        }
        if (items.isEmpty()) return null;
        return "The machine was full while these servers were offered more than one core's worth: " + String.join("; ", items)
                + ". Other work took the CPU a server would have needed for a second core, so this run does not say whether "
                + "they could have used both; run the lab again on a quieter machine.";
    }

    /** The generator's largest CPU use over the steps, so a reader can tell it did not take the server's second core. */
    static String generator(List<Step> steps) {
        double most = steps.stream().mapToDouble(Step::generatorCores).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        if (Double.isNaN(most)) return null;
        return String.format(Locale.ROOT, "The generator, sharing CPU 0 with the server, used at most %s of a core in any step.",
                Format.decimal(most));
    }
}
