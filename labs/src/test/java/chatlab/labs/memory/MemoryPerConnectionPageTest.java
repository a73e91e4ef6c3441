package chatlab.labs.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.procfs.NativeMemory;
import chatlab.bench.results.Figures;
import chatlab.bench.results.MemoryPart;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.labs.LabTestRuns;
import chatlab.labs.Variant;
import chatlab.labs.memory.MemoryPerConnectionPage.ClassCount;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sentence of the memory lab's reading, fed data that shows it and data that contradicts it. */
class MemoryPerConnectionPageTest {

    private static final String LAB = MemoryPerConnectionLab.NAME;
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long N = 1000;

    private static final Variant PLATFORM = Variant.of("threaded-platform");
    private static final Variant BIG_STACKS = Variant.of("threaded-platform").withJvmFlags("-Xss8m");
    private static final Variant VIRTUAL = Variant.of("threaded-virtual");
    private static final Variant EVENTED = Variant.of("evented");

    /** One server's figure per connection, in KiB, grown from a baseline over 1,000 connections. */
    private record Server(Variant variant, long rssKib, long heapKib, long threads, long stacksCommittedKib, long stacksReservedKib) {}

    private static RunData run(List<Server> servers) {
        List<ResultRow> rows = new ArrayList<>();
        List<MemoryPart> memory = new ArrayList<>();
        for (Server s : servers) {
            String label = s.variant().label();
            rows.add(LabTestRuns.row(LAB, label, 0, 80 * MIB, 4 * MIB, 20, -1, -1, -1, 0, 0));
            rows.add(LabTestRuns.row(LAB, label, N, 80 * MIB + N * s.rssKib() * KIB, 4 * MIB + N * s.heapKib() * KIB, s.threads(), -1, -1, -1, N, 0));
            memory.add(new MemoryPart(LAB, label, 0, NativeMemory.TOTAL, 200 * MIB));
            memory.add(new MemoryPart(LAB, label, 0, NativeMemory.PREFIX + "Java Heap", 64 * MIB));
            memory.add(new MemoryPart(LAB, label, 0, NativeMemory.PREFIX + "Thread", MIB));
            memory.add(new MemoryPart(LAB, label, 0, MemoryPerConnectionPage.RESERVED_STACKS, 20 * MIB));
            memory.add(new MemoryPart(LAB, label, N, NativeMemory.TOTAL, 200 * MIB + N * s.stacksCommittedKib() * KIB));
            memory.add(new MemoryPart(LAB, label, N, NativeMemory.PREFIX + "Java Heap", 64 * MIB));
            memory.add(new MemoryPart(LAB, label, N, NativeMemory.PREFIX + "Thread", MIB + N * s.stacksCommittedKib() * KIB));
            memory.add(new MemoryPart(LAB, label, N, MemoryPerConnectionPage.RESERVED_STACKS, 20 * MIB + N * s.stacksReservedKib() * KIB));
        }
        return LabTestRuns.run(LAB, servers.stream().map(Server::variant).toList(), rows, List.of(), memory);
    }

    private static Figures.CommonStep common(RunData run) {
        return Figures.commonStep(run, LAB, run.impls(LAB));
    }

    private static List<Server> servers(long bigCommittedKib, long bigRssKib) {
        return List.of(new Server(PLATFORM, 120, 28, 1020, 80, 1024), new Server(BIG_STACKS, bigRssKib, 28, 1020, bigCommittedKib, 8192),
                new Server(VIRTUAL, 45, 26, 25, 0, 0), new Server(EVENTED, 15, 2, 20, 0, 0));
    }

    @Test
    void aLargerStackReservationCostingNothingMoreIsSaidOnlyWhenCommittedAndRssStayAlike() {
        RunData run = run(servers(88, 130));
        String said = MemoryPerConnectionPage.stackReservation(run, common(run), List.of(PLATFORM, BIG_STACKS, VIRTUAL, EVENTED));
        assertNotNull(said);
        assertTrue(said.contains("`threaded-platform -Xss8m` reserved 8.0 MiB of stack per connection and `threaded-platform` 1.0 MiB (8.0x)"), said);
        assertTrue(said.contains("yet they committed 88.0 KiB and 80.0 KiB") && said.contains("costs the pages it touches"), said);

        RunData touched = run(servers(700, 760));
        String other = MemoryPerConnectionPage.stackReservation(touched, common(touched), List.of(PLATFORM, BIG_STACKS, VIRTUAL, EVENTED));
        assertNotNull(other);
        assertFalse(other.contains("costs the pages it touches"), "committed grew 8.75x: " + other);
        assertTrue(other.contains("the larger reservation was touched as well"), other);

        RunData alone = run(List.of(new Server(PLATFORM, 120, 28, 1020, 80, 1024), new Server(EVENTED, 15, 2, 20, 0, 0)));
        assertNull(MemoryPerConnectionPage.stackReservation(alone, common(alone), List.of(PLATFORM, EVENTED)), "one -Xss compares nothing");
    }

    @Test
    void aThreadPerConnectionIsSaidOnlyBesideAServerWithFewThreads() {
        RunData run = run(servers(88, 130));
        String said = MemoryPerConnectionPage.threadsPerConnection(common(run), run.impls(LAB));
        assertNotNull(said);
        assertTrue(said.contains("`threaded-platform` 1,020 (1.02 per connection)") && said.contains("`evented` 20"), said);
        RunData pooled = run(List.of(new Server(PLATFORM, 120, 28, 60, 80, 1024), new Server(EVENTED, 15, 2, 20, 0, 0)));
        assertNull(MemoryPerConnectionPage.threadsPerConnection(common(pooled), pooled.impls(LAB)), "60 threads for 1,000 connections");
    }

    private static List<ClassCount> classes(String impl, long charsPerConnection, long threadsPerConnection) {
        return List.of(new ClassCount(impl, 0, "char[]", 14, 50_000), new ClassCount(impl, N, "char[]", 14 + 3 * N, 50_000 + charsPerConnection * N),
                new ClassCount(impl, N, "java.lang.VirtualThread", threadsPerConnection * N, threadsPerConnection * 176 * N),
                new ClassCount(impl, 0, MemoryPerConnectionLab.ALL_CLASSES, 100, 3 * MIB),
                new ClassCount(impl, N, MemoryPerConnectionLab.ALL_CLASSES, 100 + 5 * N, 3 * MIB + (charsPerConnection + 200) * N));
    }

    @Test
    void aClassGrowsFromNothingWhenItWasUnderTheThresholdAtTheBaseline() {
        List<MemoryPerConnectionPage.ClassGrowth> growth = MemoryPerConnectionPage.growth(classes("threaded-virtual", 16 * KIB, 1), "threaded-virtual", N);
        assertEquals("char[]", growth.get(0).name());
        assertEquals(16 * KIB, growth.get(0).bytesPerConnection(), 0.01);
        assertEquals(3.0, growth.get(0).instancesPerConnection(), 0.01);
        assertEquals(1.0, growth.stream().filter(g -> g.name().equals("java.lang.VirtualThread")).findFirst().orElseThrow().instancesPerConnection(), 0.01);
        assertEquals(16 * KIB + 200, MemoryPerConnectionPage.histogramGrowth(classes("threaded-virtual", 16 * KIB, 1), "threaded-virtual", N), 0.01);
        assertTrue(MemoryPerConnectionPage.growth(classes("threaded-virtual", 16 * KIB, 1), "evented", N).isEmpty());
    }

    @Test
    void aVirtualThreadPerConnectionIsSaidOnlyWhenTheHistogramHasOne() {
        RunData run = run(servers(88, 130));
        String said = MemoryPerConnectionPage.virtualThreadObjects(classes("threaded-virtual", 16 * KIB, 1), "threaded-virtual", common(run));
        assertNotNull(said);
        assertTrue(said.contains("kept 1.00 `java.lang.VirtualThread` (176 B)"), said);
        assertNull(MemoryPerConnectionPage.virtualThreadObjects(classes("threaded-virtual", 16 * KIB, 0), "threaded-virtual", common(run)));
    }

    @Test
    void theClassesBehindALargerHeapAreNamedOnlyWhenTheHeapIsLarger() {
        RunData run = run(servers(88, 130));
        List<ClassCount> counts = new ArrayList<>(classes("threaded-virtual", 16 * KIB, 1));
        counts.addAll(classes("evented", 20, 0));
        String said = MemoryPerConnectionPage.heapDifference(run, counts, "threaded-virtual", "evented", common(run));
        assertNotNull(said);
        assertTrue(said.contains("`threaded-virtual` kept 26.0 KiB of live heap per idle connection, `evented` 2.0 KiB (13.0x)"), said);
        assertTrue(said.contains("`char[]` 16.0 KiB (3.00 per connection) against 20 B"), said);

        RunData alike = run(List.of(new Server(VIRTUAL, 45, 2, 25, 0, 0), new Server(EVENTED, 15, 2, 20, 0, 0)));
        assertNull(MemoryPerConnectionPage.heapDifference(alike, counts, "threaded-virtual", "evented", common(alike)), "2 KiB against 2 KiB");
        assertEquals(1, MemoryPerConnectionPage.heapPairs(List.of(VIRTUAL, EVENTED), common(run)).size());
        Variant threadLocal = VIRTUAL.withServeOptions("--json-recycler", "thread-local");
        RunData recyclers = run(List.of(new Server(VIRTUAL, 45, 10, 25, 0, 0), new Server(threadLocal, 45, 26, 25, 0, 0)));
        assertEquals("threaded-virtual --json-recycler thread-local", MemoryPerConnectionPage.heapPairs(List.of(VIRTUAL, threadLocal),
                common(recyclers)).get(0)[0], "a server with options of its own is compared with its model as started");
    }
}
