package chatlab.bench.procfs;

/**
 * What the kernel says about one process at one moment, read from outside it.
 *
 * @param pid            the process
 * @param rssBytes       resident memory ({@code VmRSS} in {@code /proc/PID/status})
 * @param threads        threads ({@code Threads})
 * @param cpuMillis      user plus system CPU time so far, dead threads included ({@code /proc/PID/stat})
 * @param ctxVoluntary   voluntary context switches of the <em>live</em> threads (sum over {@code /proc/PID/task/*})
 * @param ctxInvoluntary involuntary context switches of the live threads
 */
public record ProcSample(long pid, long rssBytes, int threads, long cpuMillis, long ctxVoluntary, long ctxInvoluntary) {}
