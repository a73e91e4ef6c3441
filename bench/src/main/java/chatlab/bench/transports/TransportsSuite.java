package chatlab.bench.transports;

import chatlab.bench.Format;
import chatlab.bench.Overrides;
import chatlab.bench.Profile;
import chatlab.bench.Steps;
import chatlab.bench.Suite;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.load.Transport;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.server.ServerHandle;
import chatlab.protocol.server.Implementation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lecture's four transports side by side: the same chat (N clients in rooms, each room getting a
 * fixed number of messages a second, every member saying its share) over short polling, long
 * polling, server-sent events (with {@code POST /send}) and WebSocket, against each of chatlab's
 * three models, N stepped up as in the other load suites. Beside latency and throughput it records
 * what each transport costs: HTTP requests and bytes on the wire per delivered message (counted by
 * the clients at their sockets, both directions, headers included), what a client spends to get
 * going, and what the server holds for it (threads, held polls, open streams).
 *
 * <p>The reference servers serve {@code /ws} only (PROTOCOL.md, "Who serves what"), so they are
 * left out: their WebSocket under this load is the broadcast suite's question.
 */
public final class TransportsSuite implements Suite<TransportsSuite.Settings> {

    public static final String NAME = "transports";

    /** The order of the transports everywhere: from the most requests to none. */
    static final List<Transport> TRANSPORTS = List.of(Transport.SHORT_POLL, Transport.LONG_POLL, Transport.SSE, Transport.WEBSOCKET);

    /**
     * @param transports          the transports, by id, in order
     * @param clients             N at each step, ascending
     * @param roomSize            members per room
     * @param roomMessagesPerSecond messages each room receives a second; every member says one every
     *                            {@code roomSize / roomMessagesPerSecond} seconds, so each client receives this many a second
     * @param shortPollIntervalMillis the time between two short polls of a client
     * @param longPollWaitSeconds how long the server holds a long poll with nothing to answer (fixed: the protocol's maximum)
     * @param warmupMillis        sending before the measured window
     * @param firstWarmupMillis   the same for the first step, which also warms a fresh server
     * @param durationMillis      the measured window
     * @param payloadBytes        characters of chat text per message
     * @param drainMillis         how long to wait for late deliveries after sending stops
     */
    public record Settings(List<String> transports, List<Integer> clients, int roomSize, double roomMessagesPerSecond,
                           long shortPollIntervalMillis, int longPollWaitSeconds, long warmupMillis, long firstWarmupMillis,
                           long durationMillis, int payloadBytes, long drainMillis) {

        /** Messages a second each client says. */
        double ratePerClient() { return roomMessagesPerSecond / roomSize; }
    }

    @Override public String name() { return NAME; }
    @Override public String description() {
        return "short and long polling, SSE and WebSocket in each model: latency, requests, bytes and threads per message\n"
                + "default: " + size(Profile.STANDARD) + ", about 6 minutes on two cores\n"
                + "--full: " + size(Profile.FULL) + ", about 13 minutes\n"
                + "--quick: " + size(Profile.QUICK) + ", about 1.5 minutes";
    }

    /** A profile's clients, rooms and windows, as the help states them. */
    static String size(Profile profile) {
        Settings settings = new TransportsSuite().settings(profile, Overrides.NONE);
        List<String> clients = settings.clients().stream().map(n -> String.format(Locale.ROOT, "%,d", n)).toList();
        String steps = clients.size() == 1 ? clients.get(0)
                : String.join(", ", clients.subList(0, clients.size() - 1)) + " and " + clients.getLast();
        return String.format(Locale.ROOT, "%s clients in rooms of %d, %d s windows", steps, settings.roomSize(),
                settings.durationMillis() / 1000);
    }
    @Override public int order() { return 35; }
    @Override public boolean inQuick() { return true; }
    @Override public ReportSection section() { return new TransportsSection(); }

    @Override
    public Settings settings(Profile profile, Overrides overrides) {
        int max = overrides.maxConnections() != null ? overrides.maxConnections() : Integer.MAX_VALUE;
        // Twelve series (four transports, three models), each on a fresh server: the full size takes about 13
        // minutes on two cores, so a suite named alone runs two steps of 5 s windows instead (about 6).
        List<Integer> steps = switch (profile) {
            case QUICK -> List.of(100);
            case STANDARD -> List.of(250, 1000);
            case FULL -> List.of(250, 1000, 2000);
        };
        long window = overrides.duration() != null ? overrides.duration().toMillis() : switch (profile) {
            case QUICK -> 2_000;
            case STANDARD -> 5_000;
            case FULL -> 10_000;
        };
        boolean quick = profile == Profile.QUICK;
        boolean full = profile == Profile.FULL;
        // Every client receives one message a second, the published comparison's rate; quick rooms are smaller so
        // that each member speaks more often and a 2 s window still holds enough messages to count.
        return new Settings(TRANSPORTS.stream().map(Transport::id).toList(), Steps.capped(steps, max, false), quick ? 5 : 10, 1.0,
                250, 30, full ? 3_000 : quick ? 1_000 : 2_000, full ? 6_000 : quick ? 1_000 : 4_000, window, 64,
                full ? 10_000 : 5_000);
    }

    @Override
    public void run(Settings settings, SuiteContext context, List<Implementation> impls) throws IOException {
        List<Implementation> models = impls.stream().filter(Implementation::core).toList();
        for (Implementation impl : impls) {
            if (!impl.core()) context.recorder().say("  " + impl.id() + ": left out of the transports suite (it serves /ws only;"
                    + " the broadcast suite measures it there)");
        }
        List<TransportRow> rows = new ArrayList<>();
        for (String id : settings.transports()) {
            Transport transport = Transport.of(id);
            if (transport == null || !TRANSPORTS.contains(transport)) throw new IOException("unknown transport '" + id + "'");
            context.forEach(suite(transport), models, model -> new Series(context, settings, transport, rows).run(model));
        }
    }

    /** The name its rows of one transport carry in {@code data.csv}: {@code transports.short-poll}. */
    static String suite(Transport transport) {
        return RunData.part(NAME, transport.id());
    }

    /** One transport against one model: a fresh server, N stepped up. */
    private record Series(SuiteContext context, Settings settings, Transport transport, List<TransportRow> rows) {

        void run(String model) throws IOException {
            int run = 0;
            try (ServerHandle server = context.launcher().start(model);
                 GeneratorPool pool = context.pool(server, transport, settings.shortPollIntervalMillis(), settings.roomSize())) {
                for (int clients : settings.clients()) {
                    SuiteContext.Connected connected = context.connect(server, pool, clients);
                    if (connected.nothingToAdd()) {
                        context.recorder().say("  " + model + " " + transport.id() + " " + connected.limit());
                        break;
                    }
                    if (connected.failure() != null) {
                        context.recordLoadStep(suite(transport), server, pool, connected, SuiteContext.Measured.none(),
                                "stopped before sending: " + connected.failure(), row -> progress(row, null));
                        break;
                    }
                    long warmup = run == 0 ? Math.max(settings.warmupMillis(), settings.firstWarmupMillis()) : settings.warmupMillis();
                    LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, 1, settings.ratePerClient(), warmup, settings.durationMillis(),
                            settings.payloadBytes(), settings.drainMillis(), ++run);
                    SuiteContext.Measured measured = context.measure(server, pool, plan);
                    LoadResult result = measured.result();
                    // What the server holds while every client waits for its next message: taken before the row's full GC.
                    JsonNode held = measured.death() == null ? server.stats() : null;
                    TransportRow row = new TransportRow(transport.id(), model, connected.target(), transport.socketsPerClient(),
                            transport == Transport.SHORT_POLL ? settings.shortPollIntervalMillis() : -1, result.measuredMillis(),
                            result.arrivedInWindow(), result.lost(), result.duplicates(), result.errors(), result.traffic(), connected.result().opened(), connected.result().traffic(),
                            level(held, "connectionThreads"), level(held, "pollsHeld"), level(held, "sseStreams"),
                            level(held, "httpConnections"), level(held, "connections"));
                    List<String> notes = new ArrayList<>();
                    if (measured.death() != null) notes.add("stopped: " + measured.death());
                    if (result.totalErrors() > 0) notes.add(result.describeFaults());
                    if (connected.limit() != null) notes.add(connected.limit());
                    String note = String.join("; ", notes);
                    context.recordLoadStep(suite(transport), server, pool, connected, measured, note, r -> progress(r, row));
                    rows.add(row);
                    if (context.runDir() != null) TransportRow.write(context.runDir().resolve(TransportRow.FILE), rows);
                    if (!note.isEmpty()) context.recorder().say("  " + model + " " + transport.id() + " " + note);
                    if (measured.death() != null || connected.limit() != null) break;
                }
            }
        }

        private String progress(ResultRow r, TransportRow t) {
            String line = String.format(Locale.ROOT, "[transports] %-10s %-17s %,6d clients  p50 %9s  p99 %9s  delivered %,7.0f of %,7.0f/s",
                    transport.id(), r.impl(), r.clients(), Format.micros(r.p50Us()), Format.micros(r.p99Us()), r.deliveredPerS(), r.offeredPerS());
            if (t == null) return line + "  errors " + r.errors();
            return line + String.format(Locale.ROOT, "  %s req and %s B per delivery  threads %d (%d for connections)  errors %d",
                    Format.decimal(t.requestsPerDelivery()), Format.count(t.bytesPerDelivery()), r.threads(), t.connectionThreads(), r.errors());
        }

        private static long level(JsonNode stats, String field) {
            return stats == null ? -1 : stats.path(field).asLong(-1);
        }
    }
}
