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

    private static final List<String> COLUMNS = columns();

    private static List<String> columns() {
        List<String> columns = new ArrayList<>(List.of("server", "offered_cores", "offered_per_s", "delivered_per_s", "compute_ms"));
        columns.addAll(Cpu.COLUMNS);
        columns.addAll(List.of("p50_us", "p99_us", "sent", "delivered", "lost"));
        return columns;
    }

    /**
     * One step of the computing part.
     *
     * @param offeredCores  cores' worth of {@code compute} offered per second
     * @param offeredPerS   computes per second the schedule asked for in the window
     * @param deliveredPerS answers per second that arrived in the window
     * @param computeMillis the CPU time of one compute
     * @param cpu           who used the cores during the step
     */
    record Step(String server, double offeredCores, double offeredPerS, double deliveredPerS, long computeMillis, Cpu cpu,
                long p50Us, long p99Us, long sent, long delivered, long lost) {

        /** Cores' worth of work the server completed per second of the window. */
        double completedCores() {
            return deliveredPerS * computeMillis / 1000.0;
        }

        double serverCores() { return cpu.server(); }

        List<String> cells() {
            List<String> cells = new ArrayList<>(List.of(server, String.format(Locale.ROOT, "%.2f", offeredCores), Csv.cell(offeredPerS),
                    Csv.cell(deliveredPerS), Csv.cell(computeMillis)));
            cells.addAll(cpu.cells());
            cells.addAll(List.of(Csv.cell(p50Us), Csv.cell(p99Us), Csv.cell(sent), Csv.cell(delivered), Csv.cell(lost)));
            return cells;
        }

        static Step of(Map<String, String> r) {
            return new Step(r.get("server"), Csv.doubleOf(r.get("offered_cores")), Csv.doubleOf(r.get("offered_per_s")),
                    Csv.doubleOf(r.get("delivered_per_s")), Csv.longOf(r.get("compute_ms")), Cpu.of(r),
                    Csv.longOf(r.get("p50_us")), Csv.longOf(r.get("p99_us")), Csv.longOf(r.get("sent")), Csv.longOf(r.get("delivered")),
                    Csv.longOf(r.get("lost")));
        }
    }

    static void write(LabContext context, List<Step> steps) throws IOException {
        if (context.dir() == null) return;
        Csv.write(context.file(COMPUTE), COLUMNS, steps.stream().map(Step::cells).toList());
    }

    static List<Step> steps(RunData run) throws IOException {
        return LabData.csv(run, COMPUTE, COLUMNS).stream().map(Step::of).toList();
    }

    /** Both parts in one table: part 1's computes in cores, part 2's deliveries per second. */
    @Override
    public Table table(RunData run) {
        Table.Builder table = Table.of("server", "load", "offered", "completed", "server CPU (cores)", "generator CPU (cores)",
                "other work (cores)", "idle (cores)", "p50", "p99", "lost");
        try {
            for (Step s : steps(run)) {
                table.row(cpuRow(s.server(), "compute " + s.computeMillis() + " ms",
                        Format.decimal(s.offeredCores()) + " cores (" + Format.count(s.offeredPerS()) + "/s)",
                        Format.decimal(s.completedCores()) + " cores (" + Format.count(s.deliveredPerS()) + "/s)", s.cpu(), s.p50Us(),
                        s.p99Us(), s.lost()));
            }
            for (LoopsSection.Step s : LoopsSection.steps(run)) {
                table.row(cpuRow(s.server(), s.suite(), Format.count(s.offeredPerS()) + "/s", Format.count(s.deliveredPerS()) + "/s",
                        s.cpu(), s.p50Us(), s.p99Us(), s.lost()));
            }
        } catch (IOException e) {
            table.row("unreadable: " + e.getMessage());
        }
        return table.build();
    }

    private static List<String> cpuRow(String server, String load, String offered, String completed, Cpu cpu, long p50Us, long p99Us,
                                       long lost) {
        return List.of(server, load, offered, completed, Format.decimal(cpu.server()), Format.decimal(cpu.generator()),
                Format.decimal(cpu.others()), Format.decimal(cpu.idle()), Format.micros(p50Us), Format.micros(p99Us), Format.count(lost));
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        List<Step> steps = steps(run);
        List<String> labels = LabData.variants(run).stream().map(Variant::label).toList();
        report.h3("Part 1: CPU-bound requests");
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
        report.h3("Reading, part 1");
        report.paragraph(usedBothCores(steps));
        report.paragraph(stayedAtOne(steps));
        report.paragraph(crowdedOut(steps));
        report.paragraph(generator(steps));
        LoopsSection.write(report, run);
    }

    @Override
    public String describe(String file) {
        return switch (file) {
            case COMPUTE -> "part 1, one line per step of each server: offered and completed work, CPU of the server, the generator "
                    + "and the whole machine, latency";
            case LoopsSection.LOOPS -> "part 2, one line per step of each server and load: offered and delivered per second, CPU of the "
                    + "server, the generator and the whole machine, latency";
            default -> null;
        };
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
        String items = topStepsWhere(steps, top -> top.completedCores() >= BOTH,
                top -> String.format(Locale.ROOT, "its process using %s cores", Format.decimal(top.serverCores())));
        return items == null ? null : "More than one core's worth of work got done by " + items + ": their requests ran on several "
                + "threads at once, which the kernel spread over both cores.";
    }

    /**
     * The servers that completed at most {@link #ONE} core's worth at a top step offering at least
     * {@link #OVER_ONE}, while the machine still had {@link #IDLE_LEFT} cores idle: they could have
     * used more and did not. Null when none.
     */
    static String stayedAtOne(List<Step> steps) {
        String items = topStepsWhere(steps,
                top -> top.offeredCores() >= OVER_ONE && top.completedCores() <= ONE && top.cpu().idle() >= IDLE_LEFT,
                top -> String.format(Locale.ROOT, "its process using %s cores while %s cores of the machine stayed idle; its p99 grew "
                        + "to %s", Format.decimal(top.serverCores()), Format.decimal(top.cpu().idle()), Format.micros(top.p99Us())));
        return items == null ? null : "At most one core's worth got done by " + items + ": the machine had CPU to spare, but the "
                + "computes ran on one thread, one after another, and what was offered beyond one core queued up.";
    }

    /**
     * The servers that did not use both cores at a top step offering at least {@link #OVER_ONE}
     * while the machine had less than {@link #IDLE_LEFT} idle: other work took the CPU, and this
     * run cannot tell whether the server would have used both. Null when none.
     */
    static String crowdedOut(List<Step> steps) {
        String items = topStepsWhere(steps,
                top -> top.offeredCores() >= OVER_ONE && top.completedCores() < BOTH && !(top.cpu().idle() >= IDLE_LEFT),
                top -> String.format(Locale.ROOT, "its process using %s cores, other work %s, idle %s", Format.decimal(top.serverCores()),
                        Format.decimal(top.cpu().others()), Format.decimal(top.cpu().idle())));
        return items == null ? null : "The machine was full while these servers were offered more than one core's worth: " + items
                + ". Other work took the CPU a server would have needed for a second core, so this run does not say whether "
                + "they could have used both; run the lab again on a quieter machine.";
    }

    /**
     * Each server's top step that {@code holds}, as {@code `server` (completed C of O offered, MORE)}
     * joined with "; "; null when no server's does.
     */
    private static String topStepsWhere(List<Step> steps, java.util.function.Predicate<Step> holds,
                                        java.util.function.Function<Step, String> more) {
        List<String> items = new ArrayList<>();
        for (Step top : topSteps(steps).values()) {
            if (holds.test(top)) {
                items.add(String.format(Locale.ROOT, "`%s` (completed %s of %s offered, %s)", top.server(),
                        Format.decimal(top.completedCores()), Format.decimal(top.offeredCores()), more.apply(top)));
            }
        }
        return items.isEmpty() ? null : String.join("; ", items);
    }

    /** The generator's largest CPU use over the steps, so a reader can tell it did not take the server's second core. */
    static String generator(List<Step> steps) {
        double most = steps.stream().mapToDouble(x -> x.cpu().generator()).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        if (Double.isNaN(most)) return null;
        return String.format(Locale.ROOT, "The generator, sharing CPU 0 with the server, used at most %s of a core in any step.",
                Format.decimal(most));
    }
}
