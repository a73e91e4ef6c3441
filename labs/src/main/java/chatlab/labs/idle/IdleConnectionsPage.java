package chatlab.labs.idle;

import chatlab.bench.Format;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Figures;
import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.StepDetail;
import chatlab.bench.results.Table;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The idle-connections lab's page: per server, the CPU time and wake-ups per second with no
 * connection and with its idle connections (their medians, and the whole window's mean), what
 * that comes to per thousand idle connections, the threads and memory that hold them, the rates
 * over time, and a computed reading.
 */
final class IdleConnectionsPage implements LabPage {

    private static final String NAME = IdleConnectionsLab.NAME;
    /** An interval whose switches per second are this many times the window's median, and at least {@link #WAVE_MIN} per second, is a wave. */
    static final double WAVE = 3.0;
    static final double WAVE_MIN = 50;
    /** CPU within this many ms per second of the baseline's did not rise (half a percent of a core). */
    static final double CPU_LEVEL_MS = 5;

    /** One sample of {@value IdleConnectionsLab#SAMPLES}: a server's levels and counters at one moment of a window. */
    record Sample(String impl, String phase, long connections, long tMs, long rssBytes, long threads, long heapUsedBytes, long cpuMs,
                  long ctxVoluntary, long ctxInvoluntary, long pingFreeUntilMs) {

        long ctxTotal() { return ctxVoluntary < 0 || ctxInvoluntary < 0 ? -1 : ctxVoluntary + ctxInvoluntary; }

        static List<Sample> read(RunData run) throws IOException {
            List<Sample> samples = new ArrayList<>();
            for (Map<String, String> r : LabData.csv(run, IdleConnectionsLab.SAMPLES, IdleConnectionsLab.SAMPLE_COLUMNS)) {
                samples.add(new Sample(r.get("impl"), r.get("phase"), Csv.longOf(r.get("connections")), Csv.longOf(r.get("t_ms")),
                        Csv.longOf(r.get("rss_bytes")), Csv.longOf(r.get("threads")), Csv.longOf(r.get("heap_used_bytes")),
                        Csv.longOf(r.get("cpu_ms")), Csv.longOf(r.get("ctx_voluntary")), Csv.longOf(r.get("ctx_involuntary")),
                        r.get("ping_free_until_ms") == null ? -1 : Csv.longOf(r.get("ping_free_until_ms"))));
            }
            return samples;
        }
    }

    /**
     * The rates between two consecutive samples, at the second one's time.
     *
     * @param pingFree whether the interval ended before the server could ping any connection for silence
     */
    record Interval(double atSeconds, double seconds, double cpuMsPerSecond, double switchesPerSecond, boolean pingFree) {}

    /** The intervals of one server's window, in order; an interval with an unknown counter is left out. */
    static List<Interval> intervals(List<Sample> samples, String impl, String phase) {
        List<Interval> intervals = new ArrayList<>();
        Sample previous = null;
        for (Sample s : samples) {
            if (!s.impl().equals(impl) || !s.phase().equals(phase)) continue;
            if (previous != null && s.tMs() > previous.tMs() && s.cpuMs() >= 0 && previous.cpuMs() >= 0 && s.ctxTotal() >= 0
                    && previous.ctxTotal() >= 0) {
                double seconds = (s.tMs() - previous.tMs()) / 1000.0;
                intervals.add(new Interval(s.tMs() / 1000.0, seconds, (s.cpuMs() - previous.cpuMs()) / seconds,
                        (s.ctxTotal() - previous.ctxTotal()) / seconds, s.pingFreeUntilMs() < 0 || s.tMs() <= s.pingFreeUntilMs()));
            }
            previous = s;
        }
        return intervals;
    }

    static double median(List<Interval> intervals, ToDoubleFunction<Interval> value) {
        double[] v = intervals.stream().mapToDouble(value).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * One server's figures, computed once for the table, the charts and the reading.
     *
     * @param connections     idle connections held
     * @param threads         the server's threads holding them
     * @param rssPerConnection RSS growth per idle connection
     * @param quietCpu        median CPU ms per second with the idle connections before any could be pinged for
     *                        silence (NaN when no sampling interval ended that early), and {@code baseCpu} with none
     * @param quietSwitches   median switches per second with them then, and {@code baseSwitches} with none
     * @param pingFreeSeconds how long the window was free of keep-alive pings (from the time the connections opened)
     * @param meanCpu         CPU ms per second over the whole idle window (pings included), and {@code baseMeanCpu} with none
     * @param meanSwitches    switches per second over the whole idle window, and {@code baseMeanSwitches} with none
     * @param peak            the idle window's busiest interval by switches, or null
     */
    record Idle(String impl, long connections, long threads, double rssPerConnection, double quietCpu, double baseCpu, double quietSwitches,
                double baseSwitches, double meanCpu, double baseMeanCpu, double meanSwitches, double baseMeanSwitches, Interval peak,
                double pingFreeSeconds) {

        /** CPU ms per second the idle connections added over the whole window, per 1,000 of them. */
        double cpuPerThousand() { return per(meanCpu - baseMeanCpu); }

        /** Switches per second they added over the whole window, per 1,000 of them. */
        double switchesPerThousand() { return per(meanSwitches - baseMeanSwitches); }

        private double per(double excess) { return connections <= 0 ? Double.NaN : excess * 1000 / connections; }
    }

    static Idle idle(RunData run, List<Sample> samples, String impl) {
        ResultRow base = run.rows(NAME, impl).stream().filter(r -> r.connections() == 0).findFirst().orElse(null);
        ResultRow held = run.rows(NAME, impl).stream().filter(r -> r.connections() > 0).findFirst().orElse(null);
        if (base == null || held == null) return null;
        List<Interval> window = intervals(samples, impl, IdleConnectionsLab.IDLE);
        List<Interval> quiet = window.stream().filter(Interval::pingFree).toList();
        List<Interval> none = intervals(samples, impl, IdleConnectionsLab.BASELINE);
        Interval peak = window.stream().max(Comparator.comparingDouble(Interval::switchesPerSecond)).orElse(null);
        double pingFree = samples.stream().filter(s -> s.impl().equals(impl) && s.phase().equals(IdleConnectionsLab.IDLE))
                .mapToLong(Sample::pingFreeUntilMs).findFirst().orElse(-1) / 1000.0;
        return new Idle(impl, held.connections(), held.threads(), Figures.rssPerConnection(run, impl, held),
                median(quiet, Interval::cpuMsPerSecond), median(none, Interval::cpuMsPerSecond),
                median(quiet, Interval::switchesPerSecond), median(none, Interval::switchesPerSecond),
                perSecond(run, held, held.cpuMs()), perSecond(run, base, base.cpuMs()),
                perSecond(run, held, held.ctxTotal()), perSecond(run, base, base.ctxTotal()), peak, pingFree);
    }

    private static double perSecond(RunData run, ResultRow row, long count) {
        long ms = run.detail(row).map(StepDetail::sampledMs).orElse(-1L);
        return count < 0 || ms <= 0 ? Double.NaN : count * 1000.0 / ms;
    }

    private static List<Sample> readSamples(RunData run) {
        try {
            return Sample.read(run);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<Idle> all(RunData run, List<Sample> samples) {
        List<Idle> all = new ArrayList<>();
        for (String label : LabData.labels(run)) {
            Idle idle = idle(run, samples, label);
            if (idle != null) all.add(idle);
        }
        return all;
    }

    @Override
    public Table table(RunData run) {
        Table.Builder table = Table.of("server", "idle connections", "threads", "RSS / conn", "ping-free", "CPU ms/s idle (none)",
                "switches/s idle (none)", "per 1,000 idle, keep-alive included: CPU ms/s", "switches/s", "busiest interval");
        for (Idle i : all(run, readSamples(run))) {
            table.row(i.impl(), Format.count(i.connections()), Format.count(i.threads()), Format.bytes(i.rssPerConnection()),
                    i.pingFreeSeconds() < 0 ? "" : "first " + Format.count(i.pingFreeSeconds()) + " s", Format.decimal(i.quietCpu()) + " (" + Format.decimal(i.baseCpu()) + ")",
                    Format.decimal(i.quietSwitches()) + " (" + Format.decimal(i.baseSwitches()) + ")",
                    Format.decimal(i.cpuPerThousand()), Format.decimal(i.switchesPerThousand()),
                    i.peak() == null ? "" : Format.count(i.peak().switchesPerSecond()) + " switches/s at " + Format.count(i.peak().atSeconds()) + " s");
        }
        return table.build();
    }

    @Override
    public String describe(String file) {
        return file.equals(IdleConnectionsLab.SAMPLES) ? "every sample of every server: RSS, threads, heap in use, and its "
                + "`getrusage` CPU time and context switches so far, with no connection (`baseline`) and holding the idle ones (`idle`)" : null;
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        List<Sample> samples = readSamples(run);
        List<Idle> all = all(run, samples);
        report.paragraph("Each server was watched " + s.path("baselineMillis").asLong() / 1000 + " s with no connection, then "
                + s.path("idleMillis").asLong() / 1000 + " s holding " + Format.count(s.path("connections").asLong()) + " connections that "
                + "joined a room (of " + s.path("roomSize").asText("?") + ") and said nothing; it was sampled every "
                + s.path("sampleEveryMillis").asLong() / 1000 + " s (`/stats`, `/proc`). CPU time and context switches are its own "
                + "`getrusage` (the whole process, ended threads included). The servers ping a connection silent for "
                + s.path("idleIntervalMillis").asLong() / 1000 + " s (and close it if nothing comes back), so the idle window holds "
                + "that keep-alive too, but not at once: no connection can be pinged before it has been silent that long, which "
                + "makes the window's first part (*ping-free*, counted from the time the connections began to open) pure idling. "
                + "*Idle* is the median of the ping-free sampling intervals, *none* the median with no connection; *per 1,000 idle* "
                + "is the whole idle window's mean (keep-alive included) minus the mean with no connection, per 1,000 connections. "
                + "Each sample is itself an HTTP request to the server, in both windows alike.");
        List<String> labels = LabData.labels(run);
        report.image("Context switches per second while idle", Charts.xy(run.dir().resolve("idle-switches.png"),
                "Context switches per second, holding the idle connections", "seconds", "switches / s", false,
                series(run, samples, labels, Interval::switchesPerSecond)));
        report.image("CPU per second while idle", Charts.xy(run.dir().resolve("idle-cpu.png"),
                "Server CPU time per second, holding the idle connections", "seconds", "CPU ms / s", false,
                series(run, samples, labels, Interval::cpuMsPerSecond)));
        report.h3("Reading");
        report.paragraph(threadsSleep(all));
        report.paragraph(cpuRose(all));
        report.paragraph(wave(all));
    }

    private static List<Charts.Series> series(RunData run, List<Sample> samples, List<String> labels, ToDoubleFunction<Interval> y) {
        List<Charts.Series> series = new ArrayList<>();
        double top = 0;
        double pingFree = Double.NaN;
        for (String label : labels) {
            for (Interval i : intervals(samples, label, IdleConnectionsLab.IDLE)) top = Math.max(top, y.applyAsDouble(i));
            Idle idle = idle(run, samples, label);
            if (idle != null && idle.pingFreeSeconds() >= 0) pingFree = Double.isNaN(pingFree) ? idle.pingFreeSeconds() : Math.min(pingFree, idle.pingFreeSeconds());
        }
        for (String label : labels) {
            List<Interval> intervals = intervals(samples, label, IdleConnectionsLab.IDLE);
            if (intervals.isEmpty()) continue;
            series.add(new Charts.Series(label, intervals.stream().map(Interval::atSeconds).toList(),
                    intervals.stream().map(y::applyAsDouble).toList(), LabData.color(run, label), false));
        }
        if (!Double.isNaN(pingFree) && pingFree > 0 && top > 0) {
            series.add(new Charts.Series("ping-free until here (earliest)", List.of(pingFree, pingFree), List.of(0.0, top), java.awt.Color.BLACK, true));
        }
        return series;
    }

    // ---- the reading: each sentence computed, null when the data does not show it ----------------

    /**
     * Threads that sleep: said for the servers running at least 0.9 threads per idle connection
     * whose median CPU while idle stayed within {@link #CPU_LEVEL_MS} ms per second of their CPU
     * with no connection.
     */
    static String threadsSleep(List<Idle> all) {
        List<String> items = new ArrayList<>();
        for (Idle i : all) {
            if (i.connections() <= 0 || i.threads() < 0.9 * i.connections()) continue;
            if (Double.isNaN(i.quietCpu()) || Double.isNaN(i.baseCpu()) || i.quietCpu() - i.baseCpu() > CPU_LEVEL_MS) continue;
            items.add("`" + i.impl() + "` held " + Format.count(i.threads()) + " threads for " + Format.count(i.connections())
                    + " idle connections, at " + Format.bytes(i.rssPerConnection()) + " of RSS each, yet over the ping-free "
                    + Format.count(i.pingFreeSeconds()) + " s its CPU stayed at " + Format.decimal(i.quietCpu()) + " ms per second ("
                    + Format.decimal(i.baseCpu()) + " with no connection)");
        }
        return items.isEmpty() ? null : "An idle thread sleeps in `read()`: " + String.join("; ", items) + ". It costs memory "
                + "(its stack, its objects) and a place in the kernel's thread table, not CPU, until its client speaks.";
    }

    /** The servers whose median CPU over the ping-free part rose by more than {@link #CPU_LEVEL_MS} ms per second over their own without connections. */
    static String cpuRose(List<Idle> all) {
        List<String> items = new ArrayList<>();
        for (Idle i : all) {
            if (Double.isNaN(i.quietCpu()) || Double.isNaN(i.baseCpu()) || i.quietCpu() - i.baseCpu() <= CPU_LEVEL_MS) continue;
            items.add(String.format(Locale.ROOT, "`%s` from %s to %s ms per second (%s%% of a core)", i.impl(), Format.decimal(i.baseCpu()),
                    Format.decimal(i.quietCpu()), Format.decimal((i.quietCpu() - i.baseCpu()) / 10)));
        }
        return items.isEmpty() ? null : "Holding idle connections raised the CPU time even before any keep-alive ping: "
                + String.join("; ", items) + ": work the server does for connections that say nothing (timers, sweeps).";
    }

    /**
     * A wave of wake-ups: for each server whose busiest interval had at least {@link #WAVE} times
     * the median switches per second of its ping-free part (and at least {@link #WAVE_MIN}), when
     * and how many more switches per connection it took; said to be the keep-alive when every such
     * wave came after its server's ping-free part, when the servers were allowed to ping.
     */
    static String wave(List<Idle> all) {
        List<String> items = new ArrayList<>();
        boolean allAfterPingFree = true;
        for (Idle i : all) {
            Interval peak = i.peak();
            double quiet = Double.isNaN(i.quietSwitches()) ? i.baseSwitches() : i.quietSwitches();
            if (peak == null || Double.isNaN(quiet) || peak.switchesPerSecond() < WAVE_MIN
                    || peak.switchesPerSecond() < WAVE * Math.max(quiet, 1)) continue;
            double extraPerConnection = (peak.switchesPerSecond() - quiet) * peak.seconds() / Math.max(1, i.connections());
            items.add(String.format(Locale.ROOT, "`%s` %s switches per second around %s s (against %s), %s more per connection",
                    i.impl(), Format.count(peak.switchesPerSecond()), Format.count(peak.atSeconds()), Format.count(quiet),
                    Format.decimal(extraPerConnection)));
            if (peak.pingFree()) allAfterPingFree = false;
        }
        if (items.isEmpty()) return null;
        return "Waves of wake-ups while idle: " + String.join("; ", items) + "." + (allAfterPingFree ? " Each came once the "
                + "connections could have been silent for the idle interval: the servers' keep-alive, a ping to every silent "
                + "connection and the client's pong, handled once per connection." : "");
    }
}
