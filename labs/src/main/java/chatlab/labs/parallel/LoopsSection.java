package chatlab.labs.parallel;

import chatlab.bench.Format;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Report;
import chatlab.bench.results.RunData;
import chatlab.labs.LabContext;
import chatlab.labs.LabData;
import chatlab.labs.Variant;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part 2 of the parallelism lab's page: {@code evented} with one loop and with several, under the
 * echo and broadcast loads, and a reading computed from {@code loops.csv}.
 */
final class LoopsSection {

    static final String LOOPS = "loops.csv";
    static final String ECHO = "echo";
    static final String BROADCAST = "broadcast";

    /** More loops "delivered more" when their top step delivered at least this much more than one loop's. */
    static final double MORE = 1.10;
    /** A server "kept up" at a step where it delivered at least this share of what was offered. */
    static final double KEPT_UP = 0.95;
    /** A server "used more than one core" when its process used at least this many. */
    static final double OVER_ONE_CORE = 1.15;

    private static final List<String> COLUMNS = columns();

    private LoopsSection() {}

    private static List<String> columns() {
        List<String> columns = new ArrayList<>(List.of("server", "suite", "offered_per_s", "delivered_per_s"));
        columns.addAll(Cpu.COLUMNS);
        columns.addAll(List.of("p50_us", "p99_us", "sent", "delivered", "lost"));
        return columns;
    }

    /**
     * One step of part 2.
     *
     * @param suite         {@link #ECHO} or {@link #BROADCAST}
     * @param offeredPerS   deliveries per second the schedule asked for in the window (echo: messages; broadcast: messages times members)
     * @param deliveredPerS deliveries per second that arrived in the window
     * @param cpu           who used the cores during the step
     */
    record Step(String server, String suite, double offeredPerS, double deliveredPerS, Cpu cpu, long p50Us, long p99Us, long sent,
                long delivered, long lost) {

        boolean keptUp() {
            return offeredPerS > 0 && deliveredPerS >= KEPT_UP * offeredPerS;
        }

        List<String> cells() {
            List<String> cells = new ArrayList<>(List.of(server, suite, Csv.cell(offeredPerS), Csv.cell(deliveredPerS)));
            cells.addAll(cpu.cells());
            cells.addAll(List.of(Csv.cell(p50Us), Csv.cell(p99Us), Csv.cell(sent), Csv.cell(delivered), Csv.cell(lost)));
            return cells;
        }

        static Step of(Map<String, String> r) {
            return new Step(r.get("server"), r.get("suite"), Csv.doubleOf(r.get("offered_per_s")), Csv.doubleOf(r.get("delivered_per_s")),
                    Cpu.of(r), Csv.longOf(r.get("p50_us")), Csv.longOf(r.get("p99_us")), Csv.longOf(r.get("sent")),
                    Csv.longOf(r.get("delivered")), Csv.longOf(r.get("lost")));
        }
    }

    static void write(LabContext context, List<Step> steps) throws IOException {
        if (context.dir() == null) return;
        Csv.write(context.file(LOOPS), COLUMNS, steps.stream().map(Step::cells).toList());
    }

    static List<Step> steps(RunData run) throws IOException {
        return LabData.csv(run, LOOPS, COLUMNS).stream().map(Step::of).toList();
    }

    /** The section: the load, a latency chart per suite, the reading. Nothing when the run has no part 2. */
    static void write(Report report, RunData run) throws IOException {
        List<Step> steps = steps(run);
        if (steps.isEmpty()) return;
        JsonNode s = LabData.settings(run);
        report.h3("Part 2: several event loops");
        report.paragraph(String.format(Locale.ROOT, "The load: the bench's echo (%s connections on `/echo`, 32-byte messages) and "
                        + "broadcast (%s clients in rooms of %s, every %sth sending 64 characters, every member receiving every message "
                        + "of its room), each at offered rates in steps (open loop; broadcast counts deliveries, messages times members). "
                        + "Each step: warm-up %s ms, window %s ms. The servers are allowed both cores like those of part 1; with "
                        + "`--loops N` the server accepts on loop 0 and deals the connections out to its loops in turn, so every room "
                        + "has members on each loop.", s.path("echoConnections").asText("?"), s.path("broadcastClients").asText("?"),
                s.path("roomSize").asText("?"), s.path("senderEvery").asText("?"), s.path("warmupMillis").asText("?"),
                s.path("durationMillis").asText("?")));
        List<String> labels = LabData.variants(run).stream().map(Variant::label).filter(l -> steps.stream().anyMatch(x -> x.server().equals(l)))
                .toList();
        for (String suite : List.of(ECHO, BROADCAST)) {
            List<Charts.Series> series = new ArrayList<>();
            for (String label : labels) {
                List<Step> mine = steps.stream().filter(x -> x.server().equals(label) && x.suite().equals(suite) && x.p99Us() >= 0).toList();
                if (mine.isEmpty()) continue;
                series.add(new Charts.Series(label, mine.stream().map(Step::offeredPerS).toList(),
                        mine.stream().map(x -> x.p99Us() / 1000.0).toList(), LabData.color(run, label), false));
            }
            if (series.isEmpty()) continue;
            report.image("p99 latency, " + suite, Charts.xy(run.dir().resolve("loops-" + suite + ".png"),
                    "p99 latency of the " + suite + " deliveries, one loop and several", "offered (deliveries per second)",
                    "p99 latency (ms)", true, series));
        }
        report.h3("Reading, part 2");
        for (String suite : List.of(ECHO, BROADCAST)) report.paragraph(compare(steps, suite));
    }

    /** Each server's step with the most offered in {@code suite}. */
    static Map<String, Step> topSteps(List<Step> steps, String suite) {
        Map<String, Step> top = new LinkedHashMap<>();
        for (Step step : steps) {
            if (step.suite().equals(suite)) top.merge(step.server(), step, (a, b) -> b.offeredPerS() >= a.offeredPerS() ? b : a);
        }
        return top;
    }

    /**
     * One loop against several at the top step of {@code suite}: which delivered more, what each
     * process used, and when neither was the limit, what was. Null when the run lacks either server.
     */
    static String compare(List<Step> steps, String suite) {
        Map<String, Step> top = topSteps(steps, suite);
        Step one = top.get("evented");
        Step more = top.entrySet().stream().filter(e -> e.getKey().startsWith("evented --loops")).map(Map.Entry::getValue).findFirst()
                .orElse(null);
        if (one == null || more == null) return null;
        String figures = String.format(Locale.ROOT, "at %s/s offered, `%s` delivered %s/s (p99 %s, its process using %s cores) and `%s` "
                        + "%s/s (p99 %s, %s cores); the generator used %s and %s of a core, other work %s and %s",
                Format.count(one.offeredPerS()), one.server(), Format.count(one.deliveredPerS()), Format.micros(one.p99Us()),
                Format.decimal(one.cpu().server()), more.server(), Format.count(more.deliveredPerS()), Format.micros(more.p99Us()),
                Format.decimal(more.cpu().server()), Format.decimal(one.cpu().generator()), Format.decimal(more.cpu().generator()),
                Format.decimal(one.cpu().others()), Format.decimal(more.cpu().others()));
        if (more.deliveredPerS() >= MORE * one.deliveredPerS() && !one.keptUp()) {
            String cores = more.cpu().server() >= OVER_ONE_CORE
                    ? " Its process used more than one core: the loops ran at once, on both."
                    : " Its process still used less than " + Format.decimal(OVER_ONE_CORE) + " cores, so the gain came from more than the second core.";
            return "In " + suite + " more loops delivered more: " + figures + ". One loop could not keep up with what was offered; "
                    + "several shared the connections." + cores;
        }
        if (one.keptUp() && more.keptUp()) {
            return "In " + suite + " both kept up with the offered load, " + figures + ": one loop was not the limit at these sizes, so "
                    + "a second had nothing to take over.";
        }
        return "In " + suite + " more loops did not deliver more: " + figures + ".";
    }
}
