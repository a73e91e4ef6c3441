package chatlab.bench.procfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's memory that grows with connections, none of which is in any process's RSS: the TCP
 * socket buffers ({@code /proc/net/sockstat}), the slab caches of sockets and the files and epoll
 * entries around them ({@code /proc/slabinfo}, readable by root only; left out otherwise), and the
 * kernel stacks of threads and the page tables ({@code /proc/meminfo}). Every figure is the whole
 * machine's: on loopback it covers both ends of every connection (the generators' sockets as well as
 * the server's) and anything else running, so a per-connection figure from it is per client-server pair.
 */
public final class KernelMemory {

    /**
     * Slab caches a connection adds objects to, on either end: the TCP socket, its inode, its
     * file and dentry, the epoll registration of a selector, and a thread (task struct, pid) for
     * thread-per-connection servers.
     */
    public static final List<String> SLABS = List.of("TCP", "TCPv6", "sock_inode_cache", "filp", "dentry",
            "eventpoll_epi", "eventpoll_pwq", "task_struct", "pid", "skbuff_head_cache");

    public static final String PREFIX = "kernel.";

    private KernelMemory() {}

    /** Every part in bytes, keyed {@code kernel.tcp_buffers}, {@code kernel.slab.TCP}, {@code kernel.stacks}, ... */
    public static Map<String, Long> read() {
        Map<String, Long> parts = new LinkedHashMap<>();
        long tcp = ProcReader.sockstat().tcpMemBytes();
        if (tcp >= 0) parts.put(PREFIX + "tcp_buffers", tcp);
        try {
            parts.putAll(slabs(Files.readAllLines(Path.of("/proc/slabinfo"))));
        } catch (IOException | RuntimeException e) {
            // Not root, or not Linux: the slab part is left out, and the report says it is missing.
        }
        try {
            parts.putAll(meminfo(Files.readAllLines(Path.of("/proc/meminfo"))));
        } catch (IOException | RuntimeException e) {
            // Not Linux.
        }
        return parts;
    }

    /** {@code active_objs * objsize} of each cache in {@link #SLABS}, from {@code /proc/slabinfo} (version 2.1). */
    public static Map<String, Long> slabs(List<String> lines) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("slabinfo") || line.startsWith("#")) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !SLABS.contains(f[0])) continue;
            parts.put(PREFIX + "slab." + f[0], Long.parseLong(f[1]) * Long.parseLong(f[3]));
        }
        return parts;
    }

    /** {@code KernelStack} and {@code PageTables} of {@code /proc/meminfo}, in bytes. */
    public static Map<String, Long> meminfo(List<String> lines) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) continue;
            if (f[0].equals("KernelStack:")) parts.put(PREFIX + "stacks", Long.parseLong(f[1]) * 1024);
            else if (f[0].equals("PageTables:")) parts.put(PREFIX + "page_tables", Long.parseLong(f[1]) * 1024);
        }
        return parts;
    }
}
