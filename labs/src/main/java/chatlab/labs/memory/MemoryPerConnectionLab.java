package chatlab.labs.memory;

import chatlab.bench.flood.FloodSuite;
import chatlab.bench.procfs.ClassHistogram;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Csv;
import chatlab.bench.server.ServerHandle;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabCsv;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one idle connection costs in memory, and where the bytes go: the bench's flood steps (idle
 * WebSocket connections, each joined to a room) against each model and a peer, and against
 * {@code threaded-platform} with smaller and larger thread stacks ({@code -Xss}). After each step
 * the server's RSS, its live heap after a full GC, its Native Memory Tracking categories (committed
 * and reserved) and the kernel's memory are recorded (the flood's own figures), and then its heap
 * histogram ({@code jcmd PID GC.class_histogram}): which classes a connection's live heap is made of,
 * a parked virtual thread's objects and any cache a thread keeps for itself among them.
 */
public final class MemoryPerConnectionLab implements Lab<MemoryPerConnectionLab.Settings> {

    public static final String NAME = "memory-per-connection";
    public static final String CLASSES = "classes.csv";
    public static final String ALL_CLASSES = "(all classes)";
    static final List<String> CLASS_COLUMNS = List.of("impl", "connections", "class", "instances", "bytes");

    /**
     * @param variants       the servers, in order
     * @param steps          total idle connections after each step, ascending
     * @param roomSize       members per room (each connection joins one)
     * @param classMinBytes  a class with fewer bytes in a histogram is left out of {@value #CLASSES} (the total keeps it)
     */
    public record Settings(List<Variant> variants, List<Integer> steps, int roomSize, long classMinBytes) implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Memory per connection"; }
    @Override public int order() { return 10; }
    @Override public LabPage page() { return new MemoryPerConnectionPage(); }

    @Override
    public String question() {
        return "What does one idle connection cost in RSS, live heap and native memory under each model, and where do the bytes go?";
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        return new Settings(options.keep(variants(full)), options.cap(full ? List.of(1000, 2500, 5000, 10000) : List.of(500, 1000, 2000)),
                20, 16 * 1024);
    }

    /**
     * The servers: each model as a user starts it, {@code threaded-platform} with a quarter and
     * eight times its default stack reservation (1 MiB on 64-bit Linux), and the peers.
     */
    static List<Variant> variants(boolean full) {
        List<Variant> variants = new ArrayList<>();
        variants.add(Variant.of("threaded-platform"));
        variants.add(Variant.of("threaded-platform").withJvmFlags("-Xss256k"));
        variants.add(Variant.of("threaded-platform").withJvmFlags("-Xss8m"));
        variants.add(Variant.of("threaded-virtual"));
        // The JSON library's per-thread buffer cache, once `serve --json-recycler thread-local|shared` is in main: add
        //   variants.add(Variant.of("threaded-virtual").withServeOptions("--json-recycler", "thread-local"));
        // (the page compares it with the plain threaded-virtual, which then runs the shared pool by default).
        variants.add(Variant.of("evented"));
        variants.add(Variant.of("netty"));
        if (full) {
            variants.add(Variant.of("jetty"));
            variants.add(Variant.of("java-websocket"));
            variants.add(Variant.of("node-ws"));
        }
        return variants;
    }

    @Override
    public void run(Settings settings, LabContext context) {
        LabCsv classes = new LabCsv(context.file(CLASSES), CLASS_COLUMNS);
        FloodSuite.Settings steps = new FloodSuite.Settings(settings.steps(), settings.roomSize(), false);
        context.forEach(NAME, settings.variants(), variant -> {
            try (ServerHandle server = context.start(variant)) {
                FloodSuite.idleSteps(context.harness(), NAME, steps, server,
                        (s, connections) -> histogram(context, classes, settings.classMinBytes(), s, connections));
            }
        });
    }

    /** The server's live objects by class, after the step's other figures; a JVM's only. */
    private static void histogram(LabContext context, LabCsv classes, long minBytes, ServerHandle server, int connections)
            throws IOException {
        Implementation impl = server.implementation();
        if (impl == null || !impl.jvm() || !ProcReader.available()) return;
        ClassHistogram histogram;
        try {
            histogram = ClassHistogram.read(Path.of(System.getProperty("java.home")), server.pid());
        } catch (IOException e) {
            context.recorder().say("  (no heap histogram of " + server.model() + ": " + e.getMessage() + ")");
            return;
        }
        List<List<String>> records = new ArrayList<>();
        records.add(List.of(server.model(), Csv.cell(connections), ALL_CLASSES, Csv.cell(histogram.instances()), Csv.cell(histogram.bytes())));
        for (ClassHistogram.Entry entry : histogram.classes()) {
            if (entry.bytes() < minBytes) break; // largest first
            records.add(List.of(server.model(), Csv.cell(connections), entry.name(), Csv.cell(entry.instances()), Csv.cell(entry.bytes())));
        }
        classes.addAll(records);
    }
}
