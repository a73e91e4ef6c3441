package chatlab.bench.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.SuiteContext;
import chatlab.bench.results.Figures;
import chatlab.bench.results.MemoryPart;
import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.TestRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each sentence of the flood's reading fed data that shows it and data that contradicts it: a
 * sentence the data does not support must not be printed.
 */
class FloodSectionTest {

    private static final long MIB = 1 << 20;

    /** A baseline and one step of 1,000 connections per implementation: RSS growth and live heap growth per connection in KiB. */
    private static RunData flood(long platformThreads, long virtualThreads, long virtualHeapKib, long eventedHeapKib) {
        List<ResultRow> rows = new ArrayList<>();
        rows.add(TestRuns.flood("threaded-platform", 0, 50 * MIB, 10 * MIB, 20));
        rows.add(TestRuns.flood("threaded-platform", 1000, 50 * MIB + 1000 * 90 * 1024L, 10 * MIB + 1000 * 3 * 1024L, platformThreads));
        rows.add(TestRuns.flood("threaded-virtual", 0, 50 * MIB, 10 * MIB, 20));
        rows.add(TestRuns.flood("threaded-virtual", 1000, 50 * MIB + 1000 * 35 * 1024L, 10 * MIB + 1000 * virtualHeapKib * 1024, virtualThreads));
        rows.add(TestRuns.flood("evented", 0, 50 * MIB, 10 * MIB, 18));
        rows.add(TestRuns.flood("evented", 1000, 50 * MIB + 1000 * 8 * 1024L, 10 * MIB + 1000 * eventedHeapKib * 1024, 19));
        return TestRuns.run(rows);
    }

    @Test
    void aKernelThreadPerConnectionIsSaidOnlyWhenThereIsOne() {
        String said = FloodSection.platformThreadPerConnection(FloodSection.commonStep(flood(1010, 24, 26, 2)));
        assertNotNull(said);
        assertTrue(said.contains("1,010 threads at 1,000 connections (1.01 per connection)"), said);
        assertNull(FloodSection.platformThreadPerConnection(FloodSection.commonStep(flood(60, 24, 26, 2))),
                "60 threads for 1,000 connections is not a thread per connection");
    }

    @Test
    void virtualThreadsHoldingHeapIsSaidOnlyWhenTheirHeapIsLarger() {
        String said = FloodSection.virtualThreadsHoldHeap(flood(1010, 24, 26, 2), FloodSection.commonStep(flood(1010, 24, 26, 2)));
        assertNotNull(said);
        assertTrue(said.contains("26.0 KiB of live heap against `evented`'s 2.0 KiB (13.0x)"), said);
        RunData contradicting = flood(1010, 24, 2, 2);
        assertNull(FloodSection.virtualThreadsHoldHeap(contradicting, FloodSection.commonStep(contradicting)), "equal live heap");
        RunData manyThreads = flood(1010, 1010, 26, 2);
        assertNull(FloodSection.virtualThreadsHoldHeap(manyThreads, FloodSection.commonStep(manyThreads)), "not few OS threads");
    }

    @Test
    void theRankingFollowsTheData() {
        RunData run = flood(1010, 24, 26, 2);
        String said = FloodSection.ranking(run, FloodSection.commonStep(run));
        assertTrue(said.indexOf("`evented` 8.0 KiB") < said.indexOf("`threaded-virtual` 35.0 KiB (4.4x evented's)")
                && said.indexOf("`threaded-virtual`") < said.indexOf("`threaded-platform` 90.0 KiB"), said);
    }

    @Test
    void theLargestPartIsTheOneTheDataShows() {
        // evented: RSS growth 8 KiB per connection; live heap 2 KiB, NMT (non-heap) 1 KiB, so the rest of RSS (5 KiB) is largest.
        List<MemoryPart> memory = new ArrayList<>();
        memory.addAll(TestRuns.parts("evented", 0, 10 * MIB, 200 * MIB, 100 * MIB, MIB, MIB));
        memory.addAll(TestRuns.parts("evented", 1000, 10 * MIB + 2 * 1024 * 1000, 200 * MIB + 1024 * 1000, 100 * MIB, MIB, 2 * MIB));
        RunData run = TestRuns.run(flood(1010, 24, 26, 2).rows().stream().filter(r -> r.impl().equals("evented")).toList(), List.of(), memory);
        String said = FloodSection.largestParts(run, FloodSection.commonStep(run));
        assertTrue(said.contains("`evented`: " + Figures.REST_OF_RSS + ", 5.0 KiB of 8.0 KiB"), said);

        // The same RSS, but 6 KiB of it live heap: now the live heap is the largest part.
        List<MemoryPart> heapHeavy = new ArrayList<>();
        heapHeavy.addAll(TestRuns.parts("evented", 0, 10 * MIB, 200 * MIB, 100 * MIB, MIB, MIB));
        heapHeavy.addAll(TestRuns.parts("evented", 1000, 10 * MIB + 6 * 1024 * 1000, 200 * MIB + 1024 * 1000, 100 * MIB, MIB, 2 * MIB));
        RunData contradicting = TestRuns.run(run.rows(), List.of(), heapHeavy);
        String changed = FloodSection.largestParts(contradicting, FloodSection.commonStep(contradicting));
        assertTrue(changed.contains("`evented`: " + Figures.LIVE_HEAP + ", 6.0 KiB of 8.0 KiB"), changed);
    }

    @Test
    void aFallingAverageIsSaidOnlyWhenAFixedCostIsSpread() {
        // 20 MiB fixed at the first step, then 8 KiB per connection: the average falls, the marginal does not.
        List<ResultRow> amortised = List.of(TestRuns.flood("evented", 0, 50 * MIB, 10 * MIB, 18),
                TestRuns.flood("evented", 1000, 70 * MIB + 8 * 1024 * 1000L, 10 * MIB, 19),
                TestRuns.flood("evented", 5000, 70 * MIB + 8 * 1024 * 5000L, 10 * MIB, 19));
        String said = FloodSection.averageFallsWithN(TestRuns.run(amortised), List.of("evented"));
        assertNotNull(said);
        assertTrue(said.contains("marginal 8.0 KiB"), said);
        assertEquals(8 * 1024, Figures.rssMarginal(TestRuns.run(amortised), "evented"), 0.5);

        List<ResultRow> linear = List.of(TestRuns.flood("evented", 0, 50 * MIB, 10 * MIB, 18),
                TestRuns.flood("evented", 1000, 50 * MIB + 8 * 1024 * 1000L, 10 * MIB, 19),
                TestRuns.flood("evented", 5000, 50 * MIB + 8 * 1024 * 5000L, 10 * MIB, 19));
        assertNull(FloodSection.averageFallsWithN(TestRuns.run(linear), List.of("evented")), "no fixed cost: the average does not fall");
    }

    @Test
    void nothingElseStoppedIsSaidOnlyWhenEverySeriesMetTheFileLimit() {
        RunData run = flood(1010, 24, 26, 2);
        List<String> impls = List.of("threaded-platform", "threaded-virtual", "evented");
        List<chatlab.bench.results.StepDetail> allAtLimit = run.rows().stream().filter(r -> r.connections() == 1000)
                .map(r -> TestRuns.detail(r, 1, 1, SuiteContext.FILE_LIMIT_NOTE + ": 20,000 open files")).toList();
        String said = FloodSection.fileLimitStops(TestRuns.run(run.rows(), allAtLimit, List.of()), impls);
        assertTrue(said.contains("No series stopped for another reason"), said);

        List<chatlab.bench.results.StepDetail> oneFailed = new ArrayList<>(allAtLimit);
        oneFailed.set(0, TestRuns.detail(run.rows().get(1), 1, 1, "stopped at 1000 open connections: 12 of 500 connections failed"));
        String contradicted = FloodSection.fileLimitStops(TestRuns.run(run.rows(), oneFailed, List.of()), impls);
        assertTrue(!contradicted.contains("No series stopped for another reason"), contradicted);
    }

    @Test
    void theRssTargetIsMetOrMissedByTheFigures() {
        List<ResultRow> rows = List.of(TestRuns.flood("evented", 0, 50 * MIB, 0, 18), TestRuns.flood("evented", 1000, 50 * MIB + 9 * 1024 * 1000L, 0, 19),
                TestRuns.flood("netty", 0, 50 * MIB, 0, 18), TestRuns.flood("netty", 1000, 50 * MIB + 10 * 1024 * 1000L, 0, 19),
                TestRuns.flood("jetty", 0, 50 * MIB, 0, 18), TestRuns.flood("jetty", 1000, 50 * MIB + 8 * 1024 * 1000L, 0, 19));
        Report report = new Report(Path.of("README.md"));
        new FloodSection().targets(report, TestRuns.run(rows));
        assertTrue(report.text().contains("**MISSED**: `evented` RSS per idle connection at or below Netty's and Jetty's. at 1,000"
                + " connections: evented 9.0 KiB, netty 10.0 KiB, jetty 8.0 KiB"), report.text());
    }

    // ---- issue 9's memory targets ------------------------------------------------------------

    /** A baseline and a step of {@code connections}, growing by {@code rssKib} of RSS and {@code heapKib} of live heap each. */
    private static List<ResultRow> grown(String impl, long connections, double rssKib, double heapKib) {
        return List.of(TestRuns.flood(impl, 0, 50 * MIB, 10 * MIB, 18),
                TestRuns.flood(impl, connections, 50 * MIB + (long) (connections * rssKib * 1024), 10 * MIB + (long) (connections * heapKib * 1024), 19));
    }

    private static String targets(List<ResultRow> rows, List<chatlab.bench.results.StepDetail> details) {
        Report report = new Report(Path.of("README.md"));
        FloodSection.memoryTargets(report, TestRuns.run(rows, details, List.of()));
        return report.text();
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.contains(start)).findFirst().orElseThrow(() -> new AssertionError("no line with " + start + " in " + text));
    }

    @Test
    void theVirtualThreadTargetNeedsBothFiguresWithinTheirBounds() {
        String met = line(targets(grown("threaded-virtual", 19_000, 9.5, 5.5), List.of()), "`threaded-virtual` at 19,000");
        assertTrue(met.startsWith("- **met**") && met.contains("live heap 5.5 KiB, RSS growth 9.5 KiB per connection"), met);

        String heapOver = line(targets(grown("threaded-virtual", 19_000, 9.5, 6.5), List.of()), "`threaded-virtual` at 19,000");
        assertTrue(heapOver.startsWith("- **MISSED**") && heapOver.contains("live heap 6.5 KiB"), heapOver);
        String rssOver = line(targets(grown("threaded-virtual", 19_000, 10.5, 5.5), List.of()), "`threaded-virtual` at 19,000");
        assertTrue(rssOver.startsWith("- **MISSED**") && rssOver.contains("RSS growth 10.5 KiB"), rssOver);
    }

    @Test
    void theEventedTargetComparesWithNodeAtTheSameStep() {
        List<ResultRow> below = new ArrayList<>(grown("evented", 19_000, 6.0, 1.2));
        below.addAll(grown("node-ws", 19_000, 6.5, 0));
        String met = line(targets(below, List.of()), "`evented` at 19,000");
        assertTrue(met.startsWith("- **met**") && met.contains("evented: RSS growth 6.0 KiB") && met.contains("node-ws: RSS growth 6.5 KiB"), met);

        List<ResultRow> above = new ArrayList<>(grown("evented", 19_000, 7.0, 1.2));
        above.addAll(grown("node-ws", 19_000, 6.5, 0));
        assertTrue(line(targets(above, List.of()), "`evented` at 19,000").startsWith("- **MISSED**"), "RSS above node-ws's");

        List<ResultRow> heavyHeap = new ArrayList<>(grown("evented", 19_000, 6.0, 1.9));
        heavyHeap.addAll(grown("node-ws", 19_000, 6.5, 0));
        assertTrue(line(targets(heavyHeap, List.of()), "`evented` at 19,000").startsWith("- **MISSED**"), "live heap over 1.5 KiB");

        List<ResultRow> nodeElsewhere = new ArrayList<>(grown("evented", 19_000, 6.0, 1.2));
        nodeElsewhere.addAll(grown("node-ws", 15_000, 6.5, 0));
        String unmeasured = line(targets(nodeElsewhere, List.of()), "`evented` at 19,000");
        assertTrue(unmeasured.startsWith("- **not measured in this run**") && unmeasured.contains("node-ws's steps stopped at 15,000"), unmeasured);
    }

    @Test
    void aRunThatStopsShortOfTheStepNeverMeetsTheTargets() {
        List<ResultRow> quick = new ArrayList<>(grown("threaded-virtual", 2_000, 1.0, 1.0));
        quick.addAll(grown("evented", 2_000, 1.0, 0.5));
        quick.addAll(grown("node-ws", 2_000, 9.0, 0));
        String text = targets(quick, List.of());
        assertTrue(line(text, "`threaded-virtual` at 19,000").startsWith("- **not measured in this run**"), text);
        assertTrue(line(text, "`evented` at 19,000").startsWith("- **not measured in this run**"), text);
        assertTrue(!text.contains("**met**"), text);

        List<ResultRow> failed = grown("threaded-virtual", 15_000, 1.0, 1.0);
        String stopped = line(targets(failed, List.of(TestRuns.detail(failed.get(1), 1, 1, "stopped at 15,000: out of memory"))),
                "`threaded-virtual` at 19,000");
        assertTrue(stopped.startsWith("- **MISSED**") && stopped.contains("out of memory"), stopped);
    }
}
