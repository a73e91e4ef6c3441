package chatlab.bench.procfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a process's figures from {@code /proc}, from outside it. Linux only. The parsing of each
 * file is a static method of its own, fed the file's lines, so that it is tested on real samples.
 */
public final class ProcReader {

    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux chatlab runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");

    private ProcReader() {}

    public static boolean available() {
        return Files.isReadable(PROC.resolve("self/status"));
    }

    /**
     * One process's levels and counters. Its context switches are the sum over its <em>live</em>
     * threads ({@code /proc/PID/task/*}/status): the threads that have ended took theirs with them,
     * which is why the harness prefers the server's own {@code getrusage} figure from {@code /stats}
     * and uses this only where that is unavailable.
     */
    public static ProcSample sample(long pid) throws IOException {
        Path dir = PROC.resolve(Long.toString(pid));
        Status status = status(Files.readAllLines(dir.resolve("status")));
        long cpuMillis = cpuMillis(String.join(" ", Files.readAllLines(dir.resolve("stat"))));
        long voluntary = 0;
        long involuntary = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    Status thread = status(Files.readAllLines(task.resolve("status")));
                    voluntary += thread.ctxVoluntary();
                    involuntary += thread.ctxInvoluntary();
                } catch (IOException e) {
                    // The thread ended while we looked (ENOENT or ESRCH, depending on when): it has no figures left.
                }
            }
        }
        return new ProcSample(pid, status.rssBytes(), status.threads(), cpuMillis, voluntary, involuntary);
    }

    /**
     * The fields of {@code /proc/PID/status} (or of one thread's {@code task/TID/status}) that the
     * harness reads; -1 for a field that is missing.
     */
    public record Status(long rssBytes, int threads, long ctxVoluntary, long ctxInvoluntary) {}

    public static Status status(List<String> lines) {
        long rss = -1;
        int threads = -1;
        long voluntary = -1;
        long involuntary = -1;
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) rss = secondField(line) * 1024;
            else if (line.startsWith("Threads:")) threads = (int) secondField(line);
            else if (line.startsWith("voluntary_ctxt_switches:")) voluntary = secondField(line);
            else if (line.startsWith("nonvoluntary_ctxt_switches:")) involuntary = secondField(line);
        }
        return new Status(rss, threads, voluntary, involuntary);
    }

    /** CPU time of a process so far, in milliseconds; 0 when it cannot be read (gone, not Linux). */
    public static long cpuMillis(long pid) {
        try {
            return cpuMillis(String.join(" ", Files.readAllLines(PROC.resolve(pid + "/stat"))));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * utime + stime (fields 14 and 15) of {@code /proc/PID/stat}, in milliseconds: the whole
     * process's, ended threads included (the kernel adds a thread's time to its process when it ends).
     */
    public static long cpuMillis(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces and parentheses: count from the last ')'.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * The whole machine's busy CPU time so far, every process and the kernel, in milliseconds
     * summed over its CPUs; -1 when it cannot be read. Two readings bracket a step so that a lab can
     * say how much of the machine other work took meanwhile.
     */
    public static long machineBusyMillis() {
        try {
            return machineBusyMillis(Files.readAllLines(PROC.resolve("stat")).getFirst());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The busy time of the first line of {@code /proc/stat} ({@code cpu user nice system idle
     * iowait irq softirq steal guest guest_nice}), in milliseconds: all but idle and iowait (guest
     * time is already counted in user and nice).
     */
    public static long machineBusyMillis(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu")) throw new IllegalArgumentException("not the machine's cpu line: " + cpuLine);
        long ticks = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            if (i < f.length) ticks += Long.parseLong(f[i]);
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    private static long secondField(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    /**
     * A process's open-file budget: the soft {@code Max open files} of {@code /proc/PID/limits}
     * (what {@code accept()} runs into, as {@code EMFILE}) and the files it holds now, sockets
     * included (the entries of {@code /proc/PID/fd}).
     */
    public record FileUse(long limit, int open) {

        /** Files it may still open. */
        public long free() { return Math.max(0, limit - open); }
    }

    public static FileUse fileUse(long pid) throws IOException {
        Path dir = PROC.resolve(Long.toString(pid));
        long limit = openFileLimit(Files.readAllLines(dir.resolve("limits")));
        if (limit < 0) throw new IOException("no 'Max open files' line in " + dir.resolve("limits"));
        int open = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path ignored : fds) open++;
        }
        return new FileUse(limit, open);
    }

    /** The soft limit of {@code Max open files} in {@code /proc/PID/limits}, or -1. */
    public static long openFileLimit(List<String> limits) {
        for (String line : limits) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return -1;
    }

    /**
     * The kernel's TCP figures from {@code /proc/net/sockstat}: sockets in use, in TIME_WAIT, and
     * the memory of all TCP socket buffers (system wide, so client and server sides together).
     */
    public record Sockstat(long tcpInUse, long tcpTimeWait, long tcpMemBytes) {}

    public static Sockstat sockstat() {
        try {
            return sockstat(Files.readAllLines(PROC.resolve("net/sockstat")));
        } catch (IOException | RuntimeException e) {
            // Not Linux, or an unexpected format: report nothing rather than fail the run.
            return new Sockstat(-1, -1, -1);
        }
    }

    public static Sockstat sockstat(List<String> lines) {
        for (String line : lines) {
            if (!line.startsWith("TCP:")) continue;
            String[] parts = line.substring(4).trim().split("\\s+");
            long inUse = -1, tw = -1, mem = -1;
            for (int i = 0; i + 1 < parts.length; i += 2) {
                long value = Long.parseLong(parts[i + 1]);
                switch (parts[i]) {
                    case "inuse" -> inUse = value;
                    case "tw" -> tw = value;
                    case "mem" -> mem = value * 4096; // pages
                    default -> { }
                }
            }
            return new Sockstat(inUse, tw, mem);
        }
        return new Sockstat(-1, -1, -1);
    }

    /**
     * The process, among {@code root} and its descendants, that holds the socket listening on
     * {@code port} (found through the socket's inode in {@code /proc/net/tcp} and the processes'
     * {@code fd} links). A launcher that runs the real server as a child (node-ws) is seen through.
     * Falls back to the deepest descendant, then to {@code root}.
     */
    public static long listeningPid(ProcessHandle root, int port) {
        String inode = listeningInode(port);
        List<ProcessHandle> family = new ArrayList<>();
        family.add(root);
        root.descendants().forEach(family::add);
        if (inode != null) {
            String target = "socket:[" + inode + "]";
            for (ProcessHandle candidate : family) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(candidate.pid() + "/fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(target)) return candidate.pid();
                        } catch (IOException e) {
                            // Closed while we looked.
                        }
                    }
                } catch (IOException e) {
                    // Process gone or not ours to read.
                }
            }
        }
        ProcessHandle deepest = root;
        while (true) {
            var child = deepest.children().findFirst();
            if (child.isEmpty()) return deepest.pid();
            deepest = child.get();
        }
    }

    private static String listeningInode(int port) {
        String hexPort = String.format(":%04X", port);
        for (String table : new String[] {"net/tcp", "net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(PROC.resolve(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ... inode(9)
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) return f[9];
                }
            } catch (IOException e) {
                // Try the other table.
            }
        }
        return null;
    }
}
