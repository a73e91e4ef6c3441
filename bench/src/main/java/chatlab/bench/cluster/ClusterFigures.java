package chatlab.bench.cluster;

import chatlab.bench.results.Csv;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cluster suite's figures, each computed here and only here: the report, the summary and the progress lines use these. */
final class ClusterFigures {

    private ClusterFigures() {}

    /**
     * One configuration at one N, as {@link ClusterSuite#FILE} recorded it, with its row of {@code data.csv}.
     *
     * @param serverCpuMs each server process's CPU time over the load (-1 where it could not be had)
     * @param redisCpuMs  Redis's CPU time over the load, -1 without Redis
     * @param redisCommands commands Redis ran over the load (scripts' inner commands included), -1 without Redis
     */
    record Measured(String impl, String model, int processes, boolean broker, long clients, long sampledMs, long sent,
                    List<Long> serverCpuMs, long redisCpuMs, long redisCommands, ResultRow row) {

        String configuration() { return broker ? processes + " process" + (processes == 1 ? "" : "es") + " + Redis" : "1 process alone"; }

        /** Redis commands per message said, or NaN. */
        double commandsPerMessage() { return perMessage(redisCommands, sent); }

        /** Every process's CPU (the servers' and Redis's) per 1,000 deliveries, or NaN. */
        double cpuPerThousandDeliveries() {
            long cpu = 0;
            for (long server : serverCpuMs) {
                if (server < 0) return Double.NaN;
                cpu += server;
            }
            if (broker) {
                if (redisCpuMs < 0) return Double.NaN;
                cpu += redisCpuMs;
            }
            return row.delivered() <= 0 ? Double.NaN : cpu * 1000.0 / row.delivered();
        }

        /** Whether the step delivered everything: its figures describe the load it was given. */
        boolean clean() { return row.errors() == 0 && row.measured(); }
    }

    /** Commands per message; NaN when either is unknown. */
    static double perMessage(long commands, long sent) {
        return commands < 0 || sent <= 0 ? Double.NaN : (double) commands / sent;
    }

    /** CPU milliseconds per second of wall time; NaN when unknown. */
    static double perSecond(long cpuMs, long wallMs) {
        return cpuMs < 0 || wallMs <= 0 ? Double.NaN : cpuMs * 1000.0 / wallMs;
    }

    /** Every configuration the run measured, in the order it ran. */
    static List<Measured> read(RunData run) throws IOException {
        Path file = run.dir().resolve(ClusterSuite.FILE);
        List<Measured> measured = new ArrayList<>();
        if (!Files.exists(file)) return measured;
        for (Map<String, String> line : Csv.read(file, ClusterSuite.COLUMNS)) {
            String impl = line.get("impl");
            long clients = Csv.longOf(line.get("clients"));
            Optional<ResultRow> row = run.rows(ClusterSuite.NAME, impl).stream().filter(r -> r.clients() == clients).findFirst();
            if (row.isEmpty()) continue;
            List<Long> cpus = new ArrayList<>();
            for (String cpu : line.get("server_cpu_ms").split(";")) cpus.add(Csv.longOf(cpu));
            measured.add(new Measured(impl, line.get("model"), (int) Csv.longOf(line.get("processes")),
                    Boolean.parseBoolean(line.get("broker")), clients, Csv.longOf(line.get("sampled_ms")), Csv.longOf(line.get("sent")),
                    cpus, Csv.longOf(line.get("redis_cpu_ms")), Csv.longOf(line.get("redis_commands")), row.get()));
        }
        return measured;
    }
}
