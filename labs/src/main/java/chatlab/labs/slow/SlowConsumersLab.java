package chatlab.labs.slow;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.StalledReader;
import chatlab.bench.results.Csv;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerSample;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabCsv;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Readers that stop reading: in each room one member stops reading while a sender pushes far more
 * at it than the kernel's buffers hold (loopback send buffers grow up to 4 MiB). The kernel's
 * buffers fill first, then the server's own queue for that reader, until the server gives up on it
 * with a 1008 close. Watched from both sides: the generator reads the kernel's queues of each stalled
 * socket ({@code /proc/net/tcp}) and counts the bytes owed to it, so owed minus held by the kernel
 * is what the server itself holds; the server's {@code /stats} is polled for its slow-consumer
 * closes and its memory. Once the server must be holding more than its bound, the reader reads
 * again and counts what it still gets, and how the server closed it. The other members keep
 * reading: they must lose nothing.
 */
public final class SlowConsumersLab implements Lab<SlowConsumersLab.Settings> {

    public static final String NAME = "slow-consumers";
    public static final String SERVER = "slow-server.csv";
    public static final String QUEUES = "slow-queues.csv";
    public static final String READERS = "slow-readers.csv";
    static final List<String> SERVER_COLUMNS = List.of("impl", "t_ms", "rss_bytes", "heap_used_bytes", "slow_consumer_closes");
    static final List<String> QUEUE_COLUMNS = List.of("impl", "reader", "t_ms", "owed_bytes", "kernel_bytes");
    static final List<String> READER_COLUMNS = List.of("impl", "reader", "bound_bytes", "owed_bytes", "kernel_bytes", "resumed_ms",
            "received_bytes", "received_messages", "close_code", "close_note", "ended_ms");
    static final String BOUND_OPTION = "--outbound-bound-bytes";

    /**
     * @param variants           the servers, in order
     * @param rooms              rooms, each with one sender and one reader that stops reading (one room: each slow-consumer
     *                           close the server counts is then that reader's, and the cut is timed to the poll)
     * @param roomSize           members per room
     * @param messagesPerSecond  each room's sender's rate
     * @param payloadBytes       characters of chat text per message
     * @param pushMillis         how long the senders push
     * @param sampleEveryMillis  how often the generator reads the kernel's queues, and the server's {@code /stats} is polled
     * @param drainMillis        after the push, how long the stalled readers may take to read what is left and be closed
     */
    public record Settings(List<Variant> variants, int rooms, int roomSize, double messagesPerSecond, int payloadBytes, long pushMillis,
                           long sampleEveryMillis, long drainMillis) implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Slow consumers"; }
    @Override public int order() { return 60; }
    @Override public LabPage page() { return new SlowConsumersPage(); }

    @Override
    public String question() {
        return "When readers stop reading, does the server's memory stay bounded, and does the 1008 cut-off come at the configured bound, "
                + "in every model and peer?";
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        return new Settings(options.keep(variants(full)), 1, 8, 250, 4000, options.millis(full ? 16_000 : 10_000), 50, 10_000);
    }

    /** Every model and peer at the default bound, and models at other bounds (the cut-off must move with it). */
    static List<Variant> variants(boolean full) {
        List<Variant> variants = new ArrayList<>(Variant.of(Implementation.ids()));
        variants.add(Variant.of("evented").withServeOptions(BOUND_OPTION, "262144"));
        if (full) {
            variants.add(Variant.of("threaded-platform").withServeOptions(BOUND_OPTION, "262144"));
            variants.add(Variant.of("threaded-virtual").withServeOptions(BOUND_OPTION, "262144"));
            for (String model : Implementation.coreIds()) variants.add(Variant.of(model).withServeOptions(BOUND_OPTION, "4194304"));
        }
        return variants;
    }

    /** The outbound bound a variant runs with: its own {@value #BOUND_OPTION}, else serve's default. */
    static long boundOf(Variant variant) {
        int i = variant.serveOptions().indexOf(BOUND_OPTION);
        return i >= 0 && i + 1 < variant.serveOptions().size() ? Long.parseLong(variant.serveOptions().get(i + 1))
                : ServerConfig.DEFAULT_OUTBOUND_BOUND_BYTES;
    }

    @Override
    public void run(Settings settings, LabContext context) {
        LabCsv server = new LabCsv(context.file(SERVER), SERVER_COLUMNS);
        LabCsv queues = new LabCsv(context.file(QUEUES), QUEUE_COLUMNS);
        LabCsv readers = new LabCsv(context.file(READERS), READER_COLUMNS);
        context.forEach(NAME, settings.variants(), variant -> push(settings, context, variant, server, queues, readers));
    }

    private static void push(Settings settings, LabContext context, Variant variant, LabCsv serverCsv, LabCsv queuesCsv, LabCsv readersCsv)
            throws IOException {
        SuiteContext harness = context.harness();
        long bound = boundOf(variant);
        try (ServerHandle server = context.start(variant);
             GeneratorPool pool = harness.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
            SuiteContext.Connected connected = harness.connect(server, pool, settings.rooms() * settings.roomSize());
            if (connected.failure() != null) throw new IOException("could not connect: " + connected.failure());
            // Read again once the server must hold more than its bound, by a margin wider than one look's skew (the kernel
            // dumps one socket after the other while the server writes), soon enough to see the close before its grace ends.
            LoadPlan.Stall stall = new LoadPlan.Stall(1, bound + Math.max(bound / 2, 512 * 1024), settings.sampleEveryMillis());
            LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, settings.roomSize(), settings.messagesPerSecond(), 0,
                    settings.pushMillis(), settings.payloadBytes(), settings.drainMillis(), 1, stall);
            List<long[]> polls = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean polling = new AtomicBoolean(true);
            Thread poller = Thread.ofPlatform().name("slow-consumers-poller").daemon(true).start(() -> poll(server, settings, polling, polls));
            SuiteContext.Measured measured;
            try {
                measured = harness.measure(server, pool, plan);
            } finally {
                polling.set(false);
                try {
                    poller.join(TimeUnit.SECONDS.toMillis(15));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<StalledReader> stalled = measured.result().stalled();
            long zero = stalled.isEmpty() ? 0 : stalled.get(0).stoppedNanos();
            List<List<String>> serverRows = new ArrayList<>();
            synchronized (polls) {
                for (long[] p : polls) {
                    serverRows.add(List.of(server.model(), Csv.cell(TimeUnit.NANOSECONDS.toMillis(p[0] - zero)), Csv.cell(p[1]), Csv.cell(p[2]),
                            Csv.cell(p[3])));
                }
            }
            serverCsv.addAll(serverRows);
            List<List<String>> queueRows = new ArrayList<>();
            List<List<String>> readerRows = new ArrayList<>();
            for (StalledReader r : stalled) {
                for (long[] s : r.samples()) {
                    queueRows.add(List.of(server.model(), Integer.toString(r.index()), Csv.cell(s[0]), Csv.cell(s[1]), s[2] < 0 ? "" : Long.toString(s[2])));
                }
                readerRows.add(List.of(server.model(), Integer.toString(r.index()), Csv.cell(bound), Csv.cell(r.offeredBytes()),
                        r.kernelAtResume() < 0 ? "" : Long.toString(r.kernelAtResume()), Csv.cell(r.resumedMillis()), Csv.cell(r.receivedBytes()),
                        Csv.cell(r.receivedMessages()), Integer.toString(r.closeCode()), r.closeNote(), Csv.cell(r.endedMillis())));
            }
            queuesCsv.addAll(queueRows);
            readersCsv.addAll(readerRows);
            String note = measured.death() != null ? "stopped: " + measured.death()
                    : measured.result().totalErrors() > 0 ? measured.result().describeFaults() : "";
            harness.recordLoadStep(NAME, server, pool, connected, measured, note, row -> String.format(Locale.ROOT,
                    "[%s] %-17s %d non-readers owed %s each, the kernel held %s, %d slow-consumer closes; readers: %,d delivered, %d errors",
                    NAME, server.model(), stalled.size(), Format.bytes(stalled.stream().mapToLong(StalledReader::offeredBytes).average().orElse(0)),
                    Format.bytes(stalled.stream().mapToLong(StalledReader::kernelAtResume).average().orElse(-1)),
                    measured.delta().slowConsumerCloses(), row.delivered(), row.errors()));
        }
    }

    /** The server's memory and slow-consumer closes, every sampling period, until told to stop: {@code {nanoTime, rss, heap used, closes}}. */
    private static void poll(ServerHandle server, Settings settings, AtomicBoolean polling, List<long[]> polls) {
        long period = TimeUnit.MILLISECONDS.toNanos(settings.sampleEveryMillis());
        long next = System.nanoTime();
        while (polling.get() && server.deathNote() == null) {
            try {
                // /stats alone (its own RSS figure too): reading /proc as well would make each poll slower than the period.
                ServerSample s = ServerSample.of(server.stats(), null);
                polls.add(new long[] {System.nanoTime(), s.rssBytes(), s.heapUsedBytes(), s.slowConsumerCloses()});
            } catch (IOException e) {
                // A sample missed (the server busy or gone): the next one, or the death note, tells.
            }
            next = Math.max(next + period, System.nanoTime());
            LockSupport.parkNanos(next - System.nanoTime()); // the sampling clock: nothing to wait for but time
        }
    }
}
