package chatlab.bench.jmh;

import chatlab.bench.Format;
import chatlab.bench.results.Report;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The micro-benchmarks' section: every score with its error and the bytes it allocated per
 * operation (JMH's GC profiler), a row whose error is more than half its score marked as noise, and
 * the ratios the benchmarks were written to answer, computed here and left out where a side is noise.
 */
final class JmhSection implements ReportSection {

    /** A score whose 99.9% error is above this share of it says nothing reliable. */
    static final double NOISE = 0.5;
    /** chatlab's decoder should stay within this factor of Netty's (the codec's target). */
    static final double DECODE_TARGET = 1.5;

    /** One benchmark row of JMH's JSON. */
    record Score(String benchmark, String method, Map<String, String> params, String mode, double score, double error, String unit,
                 double allocatedPerOp) {

        boolean noise() { return Double.isNaN(error) || error > NOISE * score; }

        String param(String name) { return params.getOrDefault(name, ""); }
    }

    @Override
    public String title() { return "Micro-benchmarks (JMH)"; }

    @Override
    public void write(Report report, RunData run) {
        List<Score> scores = scores(run.jmh());
        JsonNode s = run.settings(JmhSuite.NAME);
        report.paragraph("One question per class (`bench/src/main/java/chatlab/bench/jmh`), " + s.path("forks").asText("?") + " fork(s) of "
                + s.path("warmups").asText("?") + " x " + s.path("warmupMillis").asText("?") + " ms warm-up and "
                + s.path("iterations").asText("?") + " x " + s.path("iterationMillis").asText("?") + " ms measured, with JMH's GC "
                + "profiler: *allocated* is `gc.alloc.rate.norm`, the bytes one operation allocates. The error is JMH's 99.9% "
                + "confidence half-width; a row whose error is more than half its score is marked *noise* and left out of the "
                + "sentences below. JMH's own JSON: [`jmh.json`](" + report.rel(run.dir().resolve(RunData.JMH)) + ").");
        report.table(List.of("benchmark", "params", "score", "error", "unit", "allocated / op", ""));
        for (Score score : scores) {
            report.row(score.benchmark() + "." + score.method(), String.join(" ", score.params().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).toList()), fmt(score.score()), fmt(score.error()), score.unit(),
                    Double.isNaN(score.allocatedPerOp()) ? "" : Format.bytes(score.allocatedPerOp()), score.noise() ? "noise" : "");
        }
        report.blank();
        report.h3("Reading");
        report.paragraph(decodeAgainstNetty(scores));
        report.paragraph(fanOut(scores));
        report.paragraph(virtualAgainstPlatform(scores, "ThreadStartJoinBenchmark", "starting and joining a thread"));
        report.paragraph(virtualAgainstPlatform(scores, "ThreadHandOffBenchmark", "a hand-off between two threads and back"));
        long noisy = scores.stream().filter(Score::noise).count();
        if (noisy > 0) {
            report.paragraph(noisy + " of " + scores.size() + " rows are noise: re-run `./chatlab bench jmh` on a quiet machine "
                    + "before reading them.");
        }
    }

    /** JMH's JSON as scores, in its order. */
    static List<Score> scores(JsonNode jmh) {
        List<Score> scores = new ArrayList<>();
        if (jmh == null) return scores;
        for (JsonNode b : jmh) {
            String full = b.path("benchmark").asText();
            int dot = full.lastIndexOf('.');
            String method = full.substring(dot + 1);
            String className = full.substring(0, dot);
            className = className.substring(className.lastIndexOf('.') + 1);
            Map<String, String> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = b.path("params").fields(); it.hasNext(); ) {
                var e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode m = b.path("primaryMetric");
            JsonNode secondary = b.path("secondaryMetrics");
            JsonNode alloc = secondary.has("gc.alloc.rate.norm") ? secondary.get("gc.alloc.rate.norm") : secondary.path("·gc.alloc.rate.norm");
            scores.add(new Score(className, method, params, b.path("mode").asText(), number(m.path("score")), number(m.path("scoreError")),
                    m.path("scoreUnit").asText(), alloc.isMissingNode() ? Double.NaN : number(alloc.path("score"))));
        }
        return scores;
    }

    /**
     * chatlab's decoder against Netty's, size by size; whether it stays within
     * {@link #DECODE_TARGET} of Netty's is said only over sizes where neither side is noise.
     */
    static String decodeAgainstNetty(List<Score> scores) {
        List<String> items = new ArrayList<>();
        boolean allWithin = true;
        for (Score ours : scores) {
            if (!ours.benchmark().equals("FrameDecodeBenchmark") || !ours.method().equals("chatlab") || ours.noise()) continue;
            Score netty = find(scores, "FrameDecodeBenchmark", "netty", "payloadBytes", ours.param("payloadBytes"));
            if (netty == null || netty.noise()) continue;
            double ratio = ours.score() / netty.score();
            allWithin &= ratio <= DECODE_TARGET;
            items.add(String.format(Locale.ROOT, "%s bytes: %s against %s %s (%.2fx)", ours.param("payloadBytes"), fmt(ours.score()),
                    fmt(netty.score()), ours.unit(), ratio));
        }
        if (items.isEmpty()) return null;
        return "Decoding one masked text frame, chatlab's decoder against Netty's on the same bytes: " + String.join("; ", items)
                + (allWithin ? String.format(Locale.ROOT, ". Within %.1fx of Netty at every size measured.", DECODE_TARGET)
                : String.format(Locale.ROOT, ". Not within %.1fx of Netty at every size.", DECODE_TARGET));
    }

    /** Building a room message once for every member against once per member, by room size. */
    static String fanOut(List<Score> scores) {
        List<String> items = new ArrayList<>();
        for (Score once : scores) {
            if (!once.benchmark().equals("FanOutBenchmark") || !once.method().equals("encodeOnce") || once.noise()) continue;
            Score each = find(scores, "FanOutBenchmark", "encodePerRecipient", "recipients", once.param("recipients"));
            if (each == null || each.noise()) continue;
            items.add(once.param("recipients") + " members: " + fmt(once.score()) + " against " + fmt(each.score()) + " " + once.unit()
                    + " (" + Format.ratio(each.score(), once.score()) + ")"
                    + (Double.isNaN(once.allocatedPerOp()) || Double.isNaN(each.allocatedPerOp()) ? ""
                    : ", " + Format.bytes(once.allocatedPerOp()) + " against " + Format.bytes(each.allocatedPerOp()) + " allocated"));
        }
        return items.isEmpty() ? null : "A room message into every member's outbound queue, encoded once and shared against encoded "
                + "per member: " + String.join("; ", items) + ".";
    }

    /** A virtual thread against a platform thread for one benchmark class with a {@code kind} parameter. */
    static String virtualAgainstPlatform(List<Score> scores, String benchmark, String what) {
        Score platform = find(scores, benchmark, null, "kind", "platform");
        Score virtual = find(scores, benchmark, null, "kind", "virtual");
        if (platform == null || virtual == null || platform.noise() || virtual.noise()) return null;
        return String.format(Locale.ROOT, "For %s, a virtual thread took %s %s and a platform thread %s %s (%s).", what,
                fmt(virtual.score()), virtual.unit(), fmt(platform.score()), platform.unit(), Format.ratio(platform.score(), virtual.score())
                        + " the virtual thread's time");
    }

    private static Score find(List<Score> scores, String benchmark, String method, String param, String value) {
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && (method == null || s.method().equals(method)) && s.param(param).equals(value)) return s;
        }
        return null;
    }

    private static double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : node.isTextual() && node.asText().equals("NaN") ? Double.NaN : node.asDouble(Double.NaN);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) return "n/a";
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
