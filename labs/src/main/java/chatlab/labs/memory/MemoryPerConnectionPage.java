package chatlab.labs.memory;

import chatlab.bench.Format;
import chatlab.bench.procfs.NativeMemory;
import chatlab.bench.results.Charts;
import chatlab.bench.results.ConnectionParts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Figures;
import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import chatlab.labs.Variant;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The memory lab's page: per server, what an idle connection adds to RSS, live heap and native
 * memory as connections grow; where the bytes go (the flood's parts, thread stacks reserved and
 * committed, heap classes); and a reading whose every sentence is computed here and left out when
 * the run does not show it.
 */
final class MemoryPerConnectionPage implements LabPage {

    private static final String NAME = MemoryPerConnectionLab.NAME;
    static final String RESERVED_STACKS = NativeMemory.RESERVED_PREFIX + "Thread";
    /** Two figures this far apart (or more) differ; closer than {@link #ALIKE} they are alike. */
    static final double APART = 2.0;
    static final double ALIKE = 1.5;

    /** One class of one server's heap histogram at one step. */
    record ClassCount(String impl, long connections, String name, long instances, long bytes) {

        static List<ClassCount> read(RunData run) throws IOException {
            List<ClassCount> counts = new ArrayList<>();
            for (Map<String, String> r : LabData.csv(run, MemoryPerConnectionLab.CLASSES, MemoryPerConnectionLab.CLASS_COLUMNS)) {
                counts.add(new ClassCount(r.get("impl"), Csv.longOf(r.get("connections")), r.get("class"), Csv.longOf(r.get("instances")),
                        Csv.longOf(r.get("bytes"))));
            }
            return counts;
        }
    }

    /** What a class gained per connection between a server's baseline and a step. */
    record ClassGrowth(String name, double bytesPerConnection, double instancesPerConnection) {}

    /**
     * Every class's growth per connection from {@code impl}'s baseline to its step of
     * {@code connections}, largest first; a class missing from one of the two histograms (under the
     * file's threshold there) counts as 0 in it. The total, {@link MemoryPerConnectionLab#ALL_CLASSES}, is left out.
     */
    static List<ClassGrowth> growth(List<ClassCount> counts, String impl, long connections) {
        Map<String, ClassCount> base = new HashMap<>();
        Map<String, ClassCount> at = new HashMap<>();
        for (ClassCount c : counts) {
            if (!c.impl().equals(impl) || c.name().equals(MemoryPerConnectionLab.ALL_CLASSES)) continue;
            if (c.connections() == 0) base.put(c.name(), c);
            else if (c.connections() == connections) at.put(c.name(), c);
        }
        if (at.isEmpty() || base.isEmpty() || connections <= 0) return List.of();
        Set<String> names = new LinkedHashSet<>(at.keySet());
        names.addAll(base.keySet());
        List<ClassGrowth> growth = new ArrayList<>();
        for (String name : names) {
            ClassCount a = at.get(name);
            ClassCount b = base.get(name);
            growth.add(new ClassGrowth(name, ((a == null ? 0 : a.bytes()) - (b == null ? 0 : b.bytes())) / (double) connections,
                    ((a == null ? 0 : a.instances()) - (b == null ? 0 : b.instances())) / (double) connections));
        }
        growth.sort(Comparator.comparingDouble(ClassGrowth::bytesPerConnection).reversed());
        return growth;
    }

    /** The whole histogram's growth per connection, or NaN. */
    static double histogramGrowth(List<ClassCount> counts, String impl, long connections) {
        Long base = null;
        Long at = null;
        for (ClassCount c : counts) {
            if (!c.impl().equals(impl) || !c.name().equals(MemoryPerConnectionLab.ALL_CLASSES)) continue;
            if (c.connections() == 0) base = c.bytes();
            else if (c.connections() == connections) at = c.bytes();
        }
        return base == null || at == null || connections <= 0 ? Double.NaN : (at - base) / (double) connections;
    }

    // ---- figures of one server at one step, each computed here once ------------------------------

    /** Native memory per connection: Native Memory Tracking's growth, the Java heap left out (stacks and the rest). */
    static double nativePerConnection(RunData run, String impl, ResultRow row) {
        double sum = 0;
        for (Figures.Part p : Figures.connectionParts(run, impl, row)) {
            if (p.label().equals(Figures.THREAD_STACKS) || p.label().equals(Figures.OTHER_NATIVE)) sum += p.bytesPerConnection();
        }
        return sum;
    }

    /** Thread stack memory committed (touched) per connection, by Native Memory Tracking; NaN without it. */
    static double stacksCommitted(RunData run, String impl, ResultRow row) {
        return Figures.connectionParts(run, impl, row).stream().filter(p -> p.label().equals(Figures.THREAD_STACKS))
                .mapToDouble(Figures.Part::bytesPerConnection).findFirst().orElse(Double.NaN);
    }

    /** Thread stack address space reserved per connection ({@code -Xss} per thread), by Native Memory Tracking; NaN without it. */
    static double stacksReserved(RunData run, String impl, ResultRow row) {
        Long base = run.memory(NAME, impl, 0).get(RESERVED_STACKS);
        Long at = run.memory(NAME, impl, row.connections()).get(RESERVED_STACKS);
        return base == null || at == null || row.connections() <= 0 ? Double.NaN : (at - base) / (double) row.connections();
    }

    // ---- the page ----------------------------------------------------------------------------------

    @Override
    public Table table(RunData run) {
        List<ClassCount> classes = readClasses(run);
        Table.Builder table = Table.of("server", "connections", "threads", "RSS / conn", "marginal", "live heap / conn",
                "native / conn", "stacks committed / reserved", "largest heap class / conn", "stopped because");
        for (String label : LabData.labels(run)) {
            Optional<ResultRow> max = Figures.largestHeld(run, NAME, label);
            String stop = String.join("; ", run.notes(NAME, label));
            if (max.isEmpty()) {
                table.row(label, "0", "", "", "", "", "", "", "", stop);
                continue;
            }
            ResultRow r = max.get();
            List<ClassGrowth> growth = growth(classes, label, r.connections());
            table.row(label, Format.count(r.connections()), Format.count(r.threads()), Format.bytes(Figures.rssPerConnection(run, label, r)),
                    Format.bytes(Figures.rssMarginal(run, NAME, label)), Format.bytes(Figures.heapLivePerConnection(run, label, r)),
                    Format.bytes(nativePerConnection(run, label, r)),
                    Format.bytes(stacksCommitted(run, label, r)) + " / " + Format.bytes(stacksReserved(run, label, r)),
                    growth.isEmpty() ? "" : growth.get(0).name() + " " + Format.bytes(growth.get(0).bytesPerConnection()),
                    stop.isEmpty() ? "reached the last step" : stop);
        }
        return table.build();
    }

    @Override
    public String describe(String file) {
        return file.equals(MemoryPerConnectionLab.CLASSES) ? "the heap histogram (`jcmd PID GC.class_histogram`, live objects after "
                + "a full GC) of each JVM server at each step: instances and bytes per class, classes over the lab's threshold, and "
                + "the whole histogram as `" + MemoryPerConnectionLab.ALL_CLASSES + "`" : null;
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        List<String> labels = LabData.labels(run);
        List<ClassCount> classes = readClasses(run);
        report.paragraph("Idle WebSocket connections opened in steps (the bench's flood: each joined to a room of "
                + LabData.settings(run).path("roomSize").asText("?") + ", then silent). After each step: RSS and threads from `/proc`, "
                + "then the live heap after a full GC (`/stats?gc=1`), Native Memory Tracking (`jcmd PID VM.native_memory summary`: "
                + "committed, and reserved, per category), the kernel's memory, and the heap histogram (`jcmd PID GC.class_histogram`). "
                + "Per connection means the growth over the server's own figure before its first connection, divided by the "
                + "connections; *marginal* is the slope of RSS over the steps (a fixed cost left out). *Native* is what Native Memory "
                + "Tracking counts outside the Java heap (thread stacks, GC structures, code, buffers); a stack is *reserved* whole "
                + "(`-Xss`) when its thread starts and *committed* as far as the thread touches it.");
        report.image("RSS per idle connection", Charts.xy(run.dir().resolve("rss-per-connection.png"),
                "RSS growth per idle connection (average)", "connections", "KiB per connection", false,
                series(run, labels, r -> Figures.rssPerConnection(run, r.impl(), r) / 1024)));
        report.image("Live heap per idle connection", Charts.xy(run.dir().resolve("heap-per-connection.png"),
                "Live heap per idle connection (after a full GC)", "connections", "KiB per connection", false,
                series(run, labels, r -> Figures.heapLivePerConnection(run, r.impl(), r) / 1024)));
        report.image("Native memory per idle connection", Charts.xy(run.dir().resolve("native-per-connection.png"),
                "Native memory per idle connection (NMT committed, Java heap aside)", "connections", "KiB per connection", false,
                series(run, labels, r -> nativePerConnection(run, r.impl(), r) / 1024)));
        Figures.CommonStep common = Figures.commonStep(run, NAME, labels);
        if (common != null) {
            List<String> shown = labels.stream().filter(common.rows()::containsKey).toList();
            report.h3("Where the bytes go, at " + Format.count(common.clients()) + " connections");
            report.paragraph("Growth over the baseline, per connection; n/a where a part cannot be measured (Native Memory Tracking "
                    + "exists only in a JVM). The first four parts add up to the RSS growth; the kernel's part is outside every "
                    + "process's RSS and is the whole machine's (both ends of each connection).");
            ConnectionParts.write(report, common, shown, run, run.dir().resolve("memory-parts.png"));
            stacksChart(report, run, common, shown);
            classesChart(report, run, classes, common, shown);
        }
        report.h3("Reading");
        if (common == null) {
            report.paragraph("The servers share no step that all of them held without errors; see the table.");
        } else {
            report.paragraph(ranking(run, common, labels));
            report.paragraph(threadsPerConnection(common, labels));
            report.paragraph(stackReservation(run, common, LabData.variants(run)));
            report.paragraph(ConnectionParts.largestParts(run, common, labels));
            for (String label : labels) report.paragraph(virtualThreadObjects(classes, label, common));
            for (String[] pair : heapPairs(LabData.variants(run), common)) report.paragraph(heapDifference(run, classes, pair[0], pair[1], common));
        }
    }

    private static List<ClassCount> readClasses(RunData run) {
        try {
            return ClassCount.read(run);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<Charts.Series> series(RunData run, List<String> labels, java.util.function.ToDoubleFunction<ResultRow> y) {
        return Charts.perImpl(run, NAME, labels, r -> r.connections() > 0 && r.errors() == 0, ResultRow::connections, y,
                label -> LabData.color(run, label));
    }

    private static void stacksChart(Report report, RunData run, Figures.CommonStep common, List<String> shown) throws IOException {
        // Only servers whose threads reserve stacks per connection: the others' bars would be empty.
        List<String> jvm = shown.stream().filter(l -> stacksReserved(run, l, common.rows().get(l)) >= 1024).toList();
        if (jvm.isEmpty()) return;
        Map<String, List<Double>> bars = new LinkedHashMap<>();
        bars.put("reserved (-Xss for each thread)", jvm.stream().map(l -> stacksReserved(run, l, common.rows().get(l)) / 1024).toList());
        bars.put("committed (touched)", jvm.stream().map(l -> stacksCommitted(run, l, common.rows().get(l)) / 1024).toList());
        bars.put("RSS growth, all of it", jvm.stream().map(l -> Figures.rssPerConnection(run, l, common.rows().get(l)) / 1024).toList());
        report.image("Thread stacks per connection", Charts.groupedLog(run.dir().resolve("stacks-per-connection.png"),
                "Thread stacks per idle connection, at " + Format.count(common.clients()) + " connections (Native Memory Tracking)",
                "KiB per connection (logarithmic)", jvm, bars, List.of(new Color(0xbb, 0xbb, 0xbb), new Color(0x1f, 0x3a, 0x93), new Color(0xd6, 0x27, 0x28))));
        report.blank();
    }

    /** The heap classes that grew most per connection, stacked per server, the rest of the histogram's growth on top. */
    private static void classesChart(Report report, RunData run, List<ClassCount> classes, Figures.CommonStep common, List<String> shown)
            throws IOException {
        List<String> withClasses = shown.stream().filter(l -> !growth(classes, l, common.rows().get(l).connections()).isEmpty()).toList();
        if (withClasses.isEmpty()) return;
        Set<String> top = new LinkedHashSet<>();
        for (String label : withClasses) {
            growth(classes, label, common.rows().get(label).connections()).stream().limit(4)
                    .filter(g -> g.bytesPerConnection() >= 64).forEach(g -> top.add(g.name()));
        }
        Map<String, List<Double>> parts = new LinkedHashMap<>();
        for (String name : top) parts.put(name, new ArrayList<>());
        parts.put("other classes", new ArrayList<>());
        for (String label : withClasses) {
            long n = common.rows().get(label).connections();
            List<ClassGrowth> growth = growth(classes, label, n);
            double shownSum = 0;
            for (String name : top) {
                double bytes = growth.stream().filter(g -> g.name().equals(name)).mapToDouble(ClassGrowth::bytesPerConnection).findFirst().orElse(0);
                parts.get(name).add(bytes / 1024);
                shownSum += Math.max(0, bytes);
            }
            parts.get("other classes").add((histogramGrowth(classes, label, n) - shownSum) / 1024);
        }
        report.paragraph("The live heap per connection by class (growth of the heap histogram over the baseline, per connection; "
                + "[`" + MemoryPerConnectionLab.CLASSES + "`](" + MemoryPerConnectionLab.CLASSES + ") has every class):");
        Table.Builder table = Table.of("server", "class", "bytes / conn", "instances / conn");
        for (String label : withClasses) {
            for (ClassGrowth g : growth(classes, label, common.rows().get(label).connections()).stream().limit(5).toList()) {
                table.row(label, "`" + g.name() + "`", Format.bytes(g.bytesPerConnection()), Format.decimal(g.instancesPerConnection()));
            }
        }
        table.build().write(report);
        report.image("Live heap per connection by class", Charts.stacked(run.dir().resolve("heap-classes.png"),
                "Live heap per idle connection by class, at " + Format.count(common.clients()) + " connections", "KiB per connection",
                withClasses, parts));
        report.blank();
    }

    // ---- the reading: each sentence computed, null when the data does not show it ----------------

    /** The servers at the common step, from the lowest RSS growth per connection, each against the lowest. */
    static String ranking(RunData run, Figures.CommonStep common, List<String> labels) {
        List<String> shown = new ArrayList<>(labels.stream().filter(common.rows()::containsKey)
                .filter(l -> !Double.isNaN(Figures.rssPerConnection(run, l, common.rows().get(l)))).toList());
        if (shown.size() < 2) return null;
        shown.sort(Comparator.comparingDouble(l -> Figures.rssPerConnection(run, l, common.rows().get(l))));
        double lowest = Figures.rssPerConnection(run, shown.get(0), common.rows().get(shown.get(0)));
        List<String> items = new ArrayList<>();
        for (String label : shown) {
            double per = Figures.rssPerConnection(run, label, common.rows().get(label));
            items.add("`" + label + "` " + Format.bytes(per) + (label.equals(shown.get(0)) || lowest <= 0 ? "" : " (" + Format.ratio(per, lowest) + ")"));
        }
        return "At " + Format.count(common.clients()) + " idle connections, RSS growth per connection from lowest: " + String.join(", ", items) + ".";
    }

    /**
     * A kernel thread per connection against a few threads in all: said only when some server ran
     * at least 0.9 threads per connection and another fewer than one per ten connections.
     */
    static String threadsPerConnection(Figures.CommonStep common, List<String> labels) {
        List<String> perConnection = new ArrayList<>();
        List<String> few = new ArrayList<>();
        for (String label : labels) {
            ResultRow r = common.rows().get(label);
            if (r == null || r.threads() < 0 || r.connections() <= 0) continue;
            double per = r.threads() / (double) r.connections();
            if (per >= 0.9) perConnection.add(String.format(Locale.ROOT, "`%s` %s (%.2f per connection)", label, Format.count(r.threads()), per));
            else if (per < 0.1) few.add("`" + label + "` " + Format.count(r.threads()));
        }
        if (perConnection.isEmpty() || few.isEmpty()) return null;
        return "Threads at " + Format.count(common.clients()) + " connections: a kernel thread for every idle connection in "
                + String.join(", ", perConnection) + "; a few in all, whatever the connections, in " + String.join(", ", few) + ".";
    }

    /**
     * What {@code -Xss} changes: among the servers of one model whose stacks were measured, the one
     * reserving the most stack per connection against the one reserving the least, said only when
     * the reservations are {@link #APART} or more apart; then whether what was committed, and RSS,
     * followed (within {@link #ALIKE}x they did not).
     */
    static String stackReservation(RunData run, Figures.CommonStep common, List<Variant> variants) {
        Map<String, List<String>> byModel = new LinkedHashMap<>();
        for (Variant v : variants) {
            ResultRow r = common.rows().get(v.label());
            if (r != null && !Double.isNaN(stacksReserved(run, v.label(), r))) byModel.computeIfAbsent(v.model(), m -> new ArrayList<>()).add(v.label());
        }
        List<String> sentences = new ArrayList<>();
        for (List<String> labels : byModel.values()) {
            if (labels.size() < 2) continue;
            String most = labels.stream().max(Comparator.comparingDouble(l -> stacksReserved(run, l, common.rows().get(l)))).orElseThrow();
            String least = labels.stream().min(Comparator.comparingDouble(l -> stacksReserved(run, l, common.rows().get(l)))).orElseThrow();
            double reservedMost = stacksReserved(run, most, common.rows().get(most));
            double reservedLeast = stacksReserved(run, least, common.rows().get(least));
            if (reservedLeast <= 0 || reservedMost < APART * reservedLeast) continue;
            double committedMost = stacksCommitted(run, most, common.rows().get(most));
            double committedLeast = stacksCommitted(run, least, common.rows().get(least));
            double rssMost = Figures.rssPerConnection(run, most, common.rows().get(most));
            double rssLeast = Figures.rssPerConnection(run, least, common.rows().get(least));
            String reserved = "`" + most + "` reserved " + Format.bytes(reservedMost) + " of stack per connection and `" + least + "` "
                    + Format.bytes(reservedLeast) + " (" + Format.ratio(reservedMost, reservedLeast) + ")";
            if (alike(committedMost, committedLeast) && alike(rssMost, rssLeast)) {
                sentences.add(reserved + ", yet they committed " + Format.bytes(committedMost) + " and " + Format.bytes(committedLeast)
                        + ", and their RSS grew " + Format.bytes(rssMost) + " and " + Format.bytes(rssLeast) + " per connection: a thread's "
                        + "stack costs the pages it touches, and `-Xss` only bounds how far it may grow.");
            } else if (committedLeast > 0 && committedMost >= APART * committedLeast) {
                sentences.add(reserved + ", and committed " + Format.bytes(committedMost) + " against " + Format.bytes(committedLeast)
                        + ": here the larger reservation was touched as well.");
            }
        }
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }

    private static boolean alike(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) return false;
        double lo = Math.min(Math.abs(a), Math.abs(b));
        double hi = Math.max(Math.abs(a), Math.abs(b));
        return hi <= 4096 || (lo > 0 && hi / lo < ALIKE);
    }

    /**
     * A parked virtual thread in the heap: said for a server whose histogram gained at least 0.9
     * {@code java.lang.VirtualThread} per connection, with its stack chunks when they grew too.
     */
    static String virtualThreadObjects(List<ClassCount> classes, String label, Figures.CommonStep common) {
        ResultRow row = common.rows().get(label);
        if (row == null) return null;
        List<ClassGrowth> growth = growth(classes, label, row.connections());
        Optional<ClassGrowth> thread = growth.stream().filter(g -> g.name().equals("java.lang.VirtualThread")).findFirst();
        if (thread.isEmpty() || thread.get().instancesPerConnection() < 0.9) return null;
        Optional<ClassGrowth> chunk = growth.stream().filter(g -> g.name().equals("jdk.internal.vm.StackChunk")
                && g.instancesPerConnection() >= 0.9).findFirst();
        return "Each idle connection of `" + label + "` kept " + Format.decimal(thread.get().instancesPerConnection())
                + " `java.lang.VirtualThread` (" + Format.bytes(thread.get().bytesPerConnection()) + ")"
                + chunk.map(c -> " and " + Format.decimal(c.instancesPerConnection()) + " `jdk.internal.vm.StackChunk` ("
                        + Format.bytes(c.bytesPerConnection()) + ")").orElse("")
                + " in the live heap: its parked thread" + (chunk.isPresent() ? ", and the frames of its stack, copied off the carrier thread" : "")
                + ", which a platform thread keeps in its native stack instead.";
    }

    /** The pairs compared by {@link #heapDifference}: thread per connection on virtual threads against the event loop, and every server with serve options of its own against its model as a user starts it. */
    static List<String[]> heapPairs(List<Variant> variants, Figures.CommonStep common) {
        List<String[]> pairs = new ArrayList<>();
        Set<String> labels = common.rows().keySet();
        if (labels.contains("threaded-virtual") && labels.contains("evented")) pairs.add(new String[] {"threaded-virtual", "evented"});
        for (Variant v : variants) {
            if (!v.serveOptions().isEmpty() && labels.contains(v.label()) && labels.contains(v.model())) pairs.add(new String[] {v.label(), v.model()});
        }
        return pairs;
    }

    /**
     * Where {@code a}'s larger live heap per connection goes, against {@code b}'s: said only when
     * {@code a}'s is at least {@link #ALIKE} times {@code b}'s and at least 1 KiB more, naming the
     * classes that grew most per connection in {@code a} beyond {@code b} (at least 256 bytes).
     */
    static String heapDifference(RunData run, List<ClassCount> classes, String a, String b, Figures.CommonStep common) {
        ResultRow ra = common.rows().get(a);
        ResultRow rb = common.rows().get(b);
        if (ra == null || rb == null) return null;
        double heapA = Figures.heapLivePerConnection(run, a, ra);
        double heapB = Figures.heapLivePerConnection(run, b, rb);
        if (Double.isNaN(heapA) || Double.isNaN(heapB) || heapA < ALIKE * Math.max(heapB, 1) || heapA - heapB < 1024) return null;
        Map<String, ClassGrowth> growthB = new HashMap<>();
        for (ClassGrowth g : growth(classes, b, rb.connections())) growthB.put(g.name(), g);
        List<String> items = new ArrayList<>();
        List<ClassGrowth> growthA = new ArrayList<>(growth(classes, a, ra.connections()));
        growthA.sort(Comparator.comparingDouble((ClassGrowth g) -> g.bytesPerConnection()
                - growthB.getOrDefault(g.name(), new ClassGrowth(g.name(), 0, 0)).bytesPerConnection()).reversed());
        for (ClassGrowth g : growthA) {
            ClassGrowth other = growthB.getOrDefault(g.name(), new ClassGrowth(g.name(), 0, 0));
            double more = g.bytesPerConnection() - other.bytesPerConnection();
            if (more < 256 || items.size() == 3) break;
            items.add("`" + g.name() + "` " + Format.bytes(g.bytesPerConnection()) + " (" + Format.decimal(g.instancesPerConnection())
                    + " per connection) against " + Format.bytes(other.bytesPerConnection()));
        }
        return "`" + a + "` kept " + Format.bytes(heapA) + " of live heap per idle connection, `" + b + "` " + Format.bytes(heapB) + " ("
                + Format.ratio(heapA, heapB) + ")" + (items.isEmpty() ? "." : "; the classes that make most of the difference, per "
                + "connection: " + String.join("; ", items) + ".");
    }
}
