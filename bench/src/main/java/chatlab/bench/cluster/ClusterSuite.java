package chatlab.bench.cluster;

import chatlab.bench.Format;
import chatlab.bench.Overrides;
import chatlab.bench.Profile;
import chatlab.bench.Steps;
import chatlab.bench.Suite;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Failure;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerSample;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Several servers, one chat: the broadcast's load (rooms, one client in ten saying something at a
 * fixed rate, every member receiving every message once) on one server process alone, then on 1,
 * 2 and 3 processes of the same model sharing the rooms through one Redis ({@code --broker}), each
 * room's members spread evenly over the processes, so that every message crosses the broker.
 *
 * <p>Besides the load suites' figures (latency from the intended send time, deliveries per second
 * by arrival), it records what each server process and Redis spent in CPU, and how many commands
 * Redis ran per message ({@code INFO commandstats}, those inside scripts included), in
 * {@value #FILE}. The servers and Redis are pinned to the same CPUs (the generators to the
 * others): on a two-core machine that is one core for all of them, so more processes add no
 * capacity and the suite measures what the broker path costs, not a speed-up.
 */
public final class ClusterSuite implements Suite<ClusterSuite.Settings> {

    public static final String NAME = "cluster";
    /** Per configuration and step: each process's CPU, and Redis's CPU and commands. */
    public static final String FILE = "cluster.csv";
    static final List<String> COLUMNS = List.of("impl", "model", "processes", "broker", "clients", "sampled_ms", "sent",
            "server_cpu_ms", "redis_cpu_ms", "redis_commands");

    /**
     * @param clients        N at each step, ascending
     * @param processes      the numbers of server processes to share the rooms through Redis (after one alone)
     * @param roomSize       members per room, spread over the processes
     * @param senderEvery    every n-th client sends
     * @param ratePerSender  messages per second per sender
     * @param warmupMillis   sending before the measured window
     * @param durationMillis the measured window
     * @param payloadBytes   characters of chat text per message
     * @param drainMillis    how long to wait for late deliveries after sending stops
     */
    public record Settings(List<Integer> clients, List<Integer> processes, int roomSize, int senderEvery, double ratePerSender,
                           long warmupMillis, long durationMillis, int payloadBytes, long drainMillis) {}

    /** One configuration: {@code processes} servers, with or without the broker. */
    record Config(int processes, boolean broker) {
        String label() { return broker ? processes + "+redis" : "alone"; }
    }

    @Override public String name() { return NAME; }
    @Override public String description() {
        return "broadcast over 1, 2 and 3 server processes sharing rooms through Redis, against one process alone";
    }
    @Override public int order() { return 40; }
    @Override public ReportSection section() { return new ClusterSection(); }

    @Override
    public Settings settings(Profile profile, Overrides overrides) {
        boolean quick = profile == Profile.QUICK;
        int max = overrides.maxConnections() != null ? overrides.maxConnections() : Integer.MAX_VALUE;
        List<Integer> steps = quick ? List.of(200) : List.of(1000, 3000);
        long window = overrides.duration() != null ? overrides.duration().toMillis() : quick ? 3_000 : 15_000;
        return new Settings(Steps.capped(steps, max, false), List.of(1, 2, 3), quick ? 50 : 100, 10, quick ? 2.0 : 1.0,
                quick ? 2_000 : 5_000, window, 64, quick ? 3_000 : 10_000);
    }

    @Override
    public void run(Settings settings, SuiteContext context, List<Implementation> impls) throws IOException {
        if (!RedisProcess.installed()) {
            context.recorder().fail(new Failure(NAME, "", -1, "redis-server is not installed (sudo apt-get install redis-server)"));
            return;
        }
        List<Implementation> shared = new ArrayList<>();
        for (Implementation impl : impls) {
            if (impl.jvm()) shared.add(impl);
            else context.recorder().say("  " + impl.id() + " cluster: skipped, it cannot share rooms through a broker");
        }
        List<List<String>> lines = new ArrayList<>();
        context.forEach(NAME, shared, model -> {
            for (int clients : settings.clients()) {
                run(settings, context, model, new Config(1, false), clients, lines);
                for (int processes : settings.processes()) run(settings, context, model, new Config(processes, true), clients, lines);
            }
        });
    }

    /** One configuration at one N: its own Redis and servers, started fresh and stopped after. */
    private void run(Settings settings, SuiteContext context, String model, Config config, int clients, List<List<String>> lines)
            throws IOException {
        String impl = model + "/" + config.label();
        Path raw = context.runDir() != null ? context.runDir().resolve("raw") : Files.createTempDirectory("chatlab-cluster-");
        List<ServerHandle> servers = new ArrayList<>();
        RedisProcess redis = config.broker() ? RedisProcess.start(raw.resolve("redis-" + impl.replace('/', '-') + "-" + clients)) : null;
        GeneratorPool pool = null;
        try {
            List<String> options = redis == null ? List.of() : List.of("--broker", redis.url(null));
            for (int i = 0; i < config.processes(); i++) servers.add(context.launcher().start(model, options));
            if (redis != null && ProcReader.available()) redis.pin(cpusOf(servers.get(0).pid()));
            List<InetSocketAddress> addresses = servers.stream().map(ServerHandle::address).toList();
            pool = new GeneratorPool(context.generators(), new GeneratorPool.Connecting(addresses.get(0).getHostString(),
                    addresses.get(0).getPort(), ConnectPlan.CHAT_PATH, settings.roomSize(), context.maxInFlight(),
                    context.perConnectionTimeoutMillis(), 30_000, 50_000, Math.max(50, context.maxInFlight())),
                    context.maxPerGenerator(), context.sourceAddresses(), context.perAddress(), addresses);
            ConnectResult connected = pool.connectTo(clients);
            String death = deathOf(servers);
            if (death != null || connected.failed() > 0) {
                String why = death != null ? death : connected.failed() + " of " + connected.requested() + " connections failed, first: "
                        + connected.firstFailure();
                context.recorder().fail(new Failure(NAME, impl, clients, "could not connect: " + why));
                return;
            }
            context.settle();
            List<ServerSample> before = new ArrayList<>();
            for (ServerHandle server : servers) before.add(ServerSample.of(server));
            long redisCpu = redis == null ? -1 : redis.cpuMillis();
            long redisCommands = redis == null ? -1 : total(redis.commandCalls());
            long start = System.nanoTime();
            long generatorCpu = pool.generatorCpuMillis();
            LoadResult result = pool.load(new LoadPlan(LoadPlan.Kind.BROADCAST, settings.senderEvery(), settings.ratePerSender(),
                    settings.warmupMillis(), settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), 1));
            generatorCpu = pool.generatorCpuMillis() - generatorCpu;
            death = deathOf(servers);
            List<ServerSample> deltas = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                deltas.add(death == null ? ServerSample.of(servers.get(i)).since(before.get(i)) : ServerSample.none());
            }
            if (redis != null) {
                redisCpu = redis.cpuMillis() - redisCpu;
                redisCommands = total(redis.commandCalls()) - redisCommands;
            }
            long sampled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            record(context, impl, pool.open(), clients, result, deltas, generatorCpu, sampled, death);
            List<String> cpus = deltas.stream().map(d -> Long.toString(d.cpuMillis())).toList();
            lines.add(List.of(impl, model, Integer.toString(config.processes()), Boolean.toString(config.broker()), Integer.toString(clients),
                    Long.toString(sampled), Long.toString(result.sent()), String.join(";", cpus), Csv.cell(redisCpu), Csv.cell(redisCommands)));
            if (context.runDir() != null) Csv.write(context.runDir().resolve(FILE), COLUMNS, lines);
            if (redis != null) {
                context.recorder().say(String.format(Locale.ROOT, "  %s: Redis %s commands per message, %,d ms of CPU",
                        impl, Format.decimal(ClusterFigures.perMessage(redisCommands, result.sent())), redisCpu));
            }
        } finally {
            if (pool != null) pool.close();
            for (ServerHandle server : servers) server.close();
            if (redis != null) redis.close();
        }
    }

    /** A row of {@code data.csv} for the configuration: the servers' figures added up, their levels summed. */
    private static void record(SuiteContext context, String impl, long open, int clients, LoadResult result, List<ServerSample> deltas,
                               long generatorCpu, long sampled, String death) throws IOException {
        Histogram latency = result.histogram();
        boolean any = latency.getTotalCount() > 0;
        boolean sent = result.sent() > 0;
        ResultRow row = new ResultRow(NAME, impl, open, clients, sum(deltas, ServerSample::rssBytes), sum(deltas, ServerSample::heapUsedBytes),
                -1, sum(deltas, s -> s.threads()), sum(deltas, ServerSample::cpuMillis), sum(deltas, ServerSample::ctxVoluntary),
                sum(deltas, ServerSample::ctxInvoluntary), deltas.get(0).usageSource(), sum(deltas, ServerSample::gcPauseMillis), -1,
                any ? latency.getValueAtPercentile(50) : -1, any ? latency.getValueAtPercentile(99) : -1,
                any ? latency.getValueAtPercentile(99.9) : -1, any ? latency.getMaxValue() : -1,
                result.sent(), result.delivered(), sent ? result.offeredPerSecond() : Double.NaN,
                sent ? result.deliveredPerSecond() : Double.NaN, result.totalErrors());
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        String note = death != null ? "stopped: " + death : result.totalErrors() > 0 ? "faults: " + result.describeFaults() : "";
        StepDetail detail = new StepDetail(NAME, impl, open, clients, sockstat.tcpMemBytes(), sockstat.tcpInUse(), sockstat.tcpTimeWait(),
                sum(deltas, ServerSample::connections), result.measuredMillis(), generatorCpu, sampled,
                sum(deltas, ServerSample::slowConsumerCloses), note);
        context.recorder().record(row, detail, String.format(Locale.ROOT,
                "[cluster] %-24s %,6d clients  p50 %9s  p99 %9s  offered %,9.0f/s  delivered %,9.0f/s  errors %d",
                impl, clients, Format.micros(row.p50Us()), Format.micros(row.p99Us()), row.offeredPerS(), row.deliveredPerS(), row.errors()));
        String failed = SuiteContext.checkLoad(result, death);
        if (failed != null) context.recorder().fail(new Failure(NAME, impl, clients, failed));
    }

    private static long sum(List<ServerSample> samples, java.util.function.ToLongFunction<ServerSample> figure) {
        long total = 0;
        for (ServerSample sample : samples) {
            long value = figure.applyAsLong(sample);
            if (value < 0) return -1;
            total += value;
        }
        return total;
    }

    private static String deathOf(List<ServerHandle> servers) {
        for (ServerHandle server : servers) {
            String death = server.deathNote();
            if (death != null) return death;
        }
        return null;
    }

    private static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The CPUs a process may run on ({@code Cpus_allowed_list}): Redis gets the servers' own. */
    private static String cpusOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Cpus_allowed_list:")) return line.substring(line.indexOf(':') + 1).trim();
        }
        throw new IOException("no Cpus_allowed_list for process " + pid);
    }
}
