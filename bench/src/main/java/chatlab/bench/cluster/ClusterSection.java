package chatlab.bench.cluster;

import chatlab.bench.Format;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Impls;
import chatlab.bench.results.Report;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The cluster's section: each configuration's latency, throughput and CPU, Redis's share, and a computed reading. */
final class ClusterSection implements ReportSection {

    private static final String NAME = ClusterSuite.NAME;

    @Override
    public String title() { return "Cluster: one chat over several server processes and Redis"; }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = run.settings(NAME);
        List<ClusterFigures.Measured> all = ClusterFigures.read(run);
        report.paragraph("The broadcast's load (rooms of " + s.path("roomSize").asText("?") + ", one client in "
                + s.path("senderEvery").asText("?") + " saying a " + s.path("payloadBytes").asText("?") + "-character text "
                + s.path("ratePerSender").asText("?") + " time(s) a second, every member receiving every message once) on one server "
                + "process alone, then on " + counts(s.path("processes")) + " processes of the same model sharing the rooms through "
                + "one Redis (`--broker`), each room's members spread evenly over the processes. Warm-up " + s.path("warmupMillis").asText("?")
                + " ms, measured window " + s.path("durationMillis").asText("?") + " ms; latency from the intended send time, deliveries "
                + "per second by arrival. CPU is each process's own over the whole load (warm-up and drain included), per second of it; "
                + "Redis's commands per message count the commands inside its scripts, from `INFO commandstats`.");
        report.paragraph(plainly(run));
        if (all.isEmpty()) {
            report.paragraph("No configuration was measured: see the failures below.");
            return;
        }
        report.table(List.of("model", "configuration", "clients", "p50", "p99", "delivered / s", "CPU per server (ms/s)",
                "Redis CPU (ms/s)", "Redis commands / message", "CPU / 1,000 deliveries", "errors"));
        for (ClusterFigures.Measured m : all) {
            List<String> cpus = new ArrayList<>();
            for (long cpu : m.serverCpuMs()) cpus.add(Format.count(ClusterFigures.perSecond(cpu, m.sampledMs())));
            report.row(m.model(), m.configuration(), Format.count(m.clients()), Format.micros(m.row().p50Us()), Format.micros(m.row().p99Us()),
                    Format.count(m.row().deliveredPerS()), String.join(" / ", cpus),
                    m.broker() ? Format.count(ClusterFigures.perSecond(m.redisCpuMs(), m.sampledMs())) : "",
                    m.broker() ? Format.decimal(m.commandsPerMessage()) : "", ms(m.cpuPerThousandDeliveries()), Long.toString(m.row().errors()));
        }
        report.blank();
        report.image("Cluster: p99 delivery latency by server processes", p99Chart(run, all));
        report.h3("Reading");
        for (String model : models(all)) {
            for (long clients : clients(all, model)) {
                report.paragraph(cost(all, model, clients));
                report.paragraph(latency(all, model, clients));
            }
        }
    }

    @Override
    public String summaryHeading() { return "cluster: p99 alone, with Redis (most processes)"; }

    @Override
    public String summary(RunData run, String impl) {
        try {
            List<ClusterFigures.Measured> all = ClusterFigures.read(run);
            if (all.stream().noneMatch(m -> m.model().equals(impl))) return null;
            long clients = clients(all, impl).stream().mapToLong(Long::longValue).max().orElse(0);
            Optional<ClusterFigures.Measured> alone = find(all, impl, clients, 1, false);
            Optional<ClusterFigures.Measured> most = all.stream().filter(m -> m.model().equals(impl) && m.clients() == clients && m.broker())
                    .reduce((a, b) -> b.processes() > a.processes() ? b : a);
            return alone.map(m -> Format.micros(m.row().p99Us())).orElse("-") + ", "
                    + most.map(m -> Format.micros(m.row().p99Us()) + " (" + m.processes() + "+redis)").orElse("-");
        } catch (IOException e) {
            return null;
        }
    }

    /** What the setup measures, said plainly, from the run's own record of the machine. */
    static String plainly(RunData run) {
        int cores = run.environment().path("cores").asInt(0);
        String machine = cores > 0 ? "This machine has " + cores + " core" + (cores == 1 ? "" : "s") + ". " : "";
        String measures = cores > 0 && cores <= 2
                ? "on " + cores + " core" + (cores == 1 ? "" : "s") + " this measures what the broker path costs, not a speed-up"
                : "with the servers and Redis on the same CPUs, this measures what the broker path costs, not a speed-up";
        return machine + "The servers and Redis run pinned to the same CPUs, the load generators to the others: more server "
                + "processes add no CPU, they share it with each other and with Redis, and " + measures + ".";
    }

    /** Every process's CPU per 1,000 deliveries, alone and with Redis; null when a configuration is missing or lost messages. */
    static String cost(List<ClusterFigures.Measured> all, String model, long clients) {
        Optional<ClusterFigures.Measured> alone = find(all, model, clients, 1, false);
        List<ClusterFigures.Measured> shared = all.stream().filter(m -> m.model().equals(model) && m.clients() == clients && m.broker()
                && m.clean() && !Double.isNaN(m.cpuPerThousandDeliveries())).toList();
        if (alone.isEmpty() || !alone.get().clean() || Double.isNaN(alone.get().cpuPerThousandDeliveries()) || shared.isEmpty()) return null;
        double base = alone.get().cpuPerThousandDeliveries();
        List<String> parts = new ArrayList<>();
        for (ClusterFigures.Measured m : shared) {
            parts.add(m.processes() + " process" + (m.processes() == 1 ? "" : "es") + " and Redis " + ms(m.cpuPerThousandDeliveries())
                    + " (" + Format.ratio(m.cpuPerThousandDeliveries(), base) + ")");
        }
        return String.format(Locale.ROOT, "At %s clients, %s alone spent %s of CPU per 1,000 deliveries; sharing its rooms through Redis: %s.",
                Format.count(clients), Impls.code(model), ms(base), String.join(", ", parts));
    }

    /** p99 alone against p99 with Redis; null when a configuration is missing or lost messages. */
    static String latency(List<ClusterFigures.Measured> all, String model, long clients) {
        Optional<ClusterFigures.Measured> alone = find(all, model, clients, 1, false);
        List<ClusterFigures.Measured> shared = all.stream().filter(m -> m.model().equals(model) && m.clients() == clients && m.broker()
                && m.clean()).toList();
        if (alone.isEmpty() || !alone.get().clean() || shared.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        for (ClusterFigures.Measured m : shared) parts.add(m.processes() + "+redis " + Format.micros(m.row().p99Us()));
        return String.format(Locale.ROOT, "p99 delivery latency at %s clients: %s alone %s; %s. A message through the broker crosses "
                + "Redis once (its script) and comes back on each subscribed process's channel before it is written to the members.",
                Format.count(clients), Impls.code(model), Format.micros(alone.get().row().p99Us()), String.join(", ", parts));
    }

    private static java.nio.file.Path p99Chart(RunData run, List<ClusterFigures.Measured> all) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (String model : models(all)) {
            long clients = clients(all, model).stream().mapToLong(Long::longValue).max().orElse(0);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (ClusterFigures.Measured m : all) {
                if (!m.model().equals(model) || m.clients() != clients || !m.broker() || !m.row().measured()) continue;
                xs.add((double) m.processes());
                ys.add(m.row().p99Us() / 1000.0);
            }
            if (!xs.isEmpty()) series.add(new Charts.Series(model + " + Redis, " + clients + " clients", xs, ys, Charts.color(model), false));
            Optional<ClusterFigures.Measured> alone = find(all, model, clients, 1, false);
            if (alone.isPresent() && alone.get().row().measured() && !xs.isEmpty()) {
                double y = alone.get().row().p99Us() / 1000.0;
                series.add(new Charts.Series(model + " alone", List.of(xs.get(0), xs.get(xs.size() - 1)), List.of(y, y), Charts.color(model), true));
            }
        }
        return Charts.xy(run.dir().resolve("cluster-p99.png"), "Cluster: p99 delivery latency (one process alone dashed)",
                "server processes sharing the rooms through Redis", "p99 (ms)", false, series);
    }

    private static Optional<ClusterFigures.Measured> find(List<ClusterFigures.Measured> all, String model, long clients, int processes,
                                                          boolean broker) {
        return all.stream().filter(m -> m.model().equals(model) && m.clients() == clients && m.processes() == processes
                && m.broker() == broker).findFirst();
    }

    private static List<String> models(List<ClusterFigures.Measured> all) {
        Set<String> models = new LinkedHashSet<>();
        for (ClusterFigures.Measured m : all) models.add(m.model());
        return Impls.ordered(List.copyOf(models));
    }

    private static List<Long> clients(List<ClusterFigures.Measured> all, String model) {
        Set<Long> clients = new LinkedHashSet<>();
        for (ClusterFigures.Measured m : all) if (m.model().equals(model)) clients.add(m.clients());
        return List.copyOf(clients);
    }

    /** {@code [1,2,3]} as {@code 1, 2 and 3}. */
    private static String counts(JsonNode numbers) {
        List<String> all = new ArrayList<>();
        numbers.forEach(n -> all.add(n.asText()));
        if (all.isEmpty()) return "?";
        if (all.size() == 1) return all.get(0);
        return String.join(", ", all.subList(0, all.size() - 1)) + " and " + all.get(all.size() - 1);
    }

    private static String ms(double millis) {
        return Double.isNaN(millis) ? "n/a" : String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
