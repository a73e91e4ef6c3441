package chatlab.bench.procfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parsing of {@code /proc} files and of a Native Memory Tracking report, on samples taken from
 * a real Linux machine and a real JVM (under {@code src/test/resources/procfs}), not on text typed
 * to suit the parser.
 */
class ProcReaderTest {

    private static List<String> sample(String name) throws IOException {
        try (InputStream in = ProcReaderTest.class.getResourceAsStream("/procfs/" + name)) {
            if (in == null) throw new IOException("no sample " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void statusGivesRssThreadsAndOneThreadsSwitches() throws Exception {
        ProcReader.Status process = ProcReader.status(sample("status.txt"));
        assertEquals(40_508L * 1024, process.rssBytes());
        assertEquals(19, process.threads());
        ProcReader.Status thread = ProcReader.status(sample("task-status.txt"));
        assertEquals(13, thread.ctxVoluntary());
        assertEquals(1, thread.ctxInvoluntary());
    }

    @Test
    void statCountsFromTheLastParenthesis() throws Exception {
        String stat = sample("stat.txt").get(0);
        assertEquals(30, ProcReader.cpuMillis(stat), "utime 2 + stime 1 ticks of 10 ms");
        // A command name may hold spaces and parentheses: fields are counted after the last ')'.
        String odd = stat.replace("(java)", "(my (odd) java)");
        assertEquals(30, ProcReader.cpuMillis(odd));
    }

    @Test
    void limitsGiveTheSoftOpenFileLimit() throws Exception {
        assertEquals(20_000, ProcReader.openFileLimit(sample("limits.txt")));
        assertEquals(-1, ProcReader.openFileLimit(List.of("Max processes 1 1 processes")));
    }

    @Test
    void sockstatGivesTcpMemoryInBytes() throws Exception {
        ProcReader.Sockstat sockstat = ProcReader.sockstat(sample("sockstat.txt"));
        assertEquals(1, sockstat.tcpInUse());
        assertEquals(241, sockstat.tcpTimeWait());
        assertEquals(0, sockstat.tcpMemBytes());
        assertEquals(3 * 4096, ProcReader.sockstat(List.of("TCP: inuse 5 orphan 0 tw 2 alloc 5 mem 3")).tcpMemBytes(), "pages of 4 KiB");
    }

    @Test
    void slabinfoGivesTheSocketCachesInBytes() throws Exception {
        Map<String, Long> slabs = KernelMemory.slabs(sample("slabinfo.txt"));
        assertEquals(40L * 2368, slabs.get("kernel.slab.TCP"), "active objects times object size");
        assertEquals(10_089L * 832, slabs.get("kernel.slab.sock_inode_cache"));
        assertEquals(11_004L * 192, slabs.get("kernel.slab.filp"));
        assertFalse(slabs.containsKey("kernel.slab.kmalloc-8k"), "only the caches a connection adds to");
    }

    @Test
    void meminfoGivesKernelStacksAndPageTables() throws Exception {
        Map<String, Long> parts = KernelMemory.meminfo(sample("meminfo.txt"));
        assertEquals(3_240L * 1024, parts.get("kernel.stacks"));
        assertEquals(6_220L * 1024, parts.get("kernel.page_tables"));
        assertEquals(2, parts.size(), "SecPageTables is not PageTables");
    }

    @Test
    void nativeMemoryTrackingGivesCommittedBytesByCategory() throws Exception {
        Map<String, Long> nmt = NativeMemory.parse(sample("nmt-summary.txt"));
        assertEquals(330_239L * 1024, nmt.get(NativeMemory.TOTAL));
        assertEquals(262_144L * 1024, nmt.get("nmt.Java Heap"));
        assertEquals(899L * 1024, nmt.get("nmt.Thread"));
        assertEquals(13_908L * 1024, nmt.get("nmt.Shared class space"), "a line with more after committed");
        assertTrue(NativeMemory.parse(List.of("12345:", "Native memory tracking is not enabled")).isEmpty());
    }

    @Test
    void machineBusyTimeIsEverythingButIdleAndIoWait() {
        // A real first line of /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice.
        String line = "cpu  1265486 19336 643126 371005 657 0 174486 2089 0 0";
        assertEquals((1265486L + 19336 + 643126 + 0 + 174486 + 2089) * 10, ProcReader.machineBusyMillis(line));
        assertThrows(IllegalArgumentException.class, () -> ProcReader.machineBusyMillis("cpu0 1 2 3 4 5 6 7 8 0 0"));
        assertTrue(ProcReader.machineBusyMillis() > 0, "this machine's /proc/stat");
    }
}
