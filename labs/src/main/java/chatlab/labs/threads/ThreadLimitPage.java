package chatlab.labs.threads;

import chatlab.bench.Format;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Report;
import chatlab.bench.results.RunData;
import chatlab.bench.results.Table;
import chatlab.labs.LabContext;
import chatlab.labs.LabData;
import chatlab.labs.LabPage;
import chatlab.labs.Variant;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The thread-limit lab's page: what clients saw at each step, the threads, the counter, and a reading computed from them. */
final class ThreadLimitPage implements LabPage {

    static final String STEPS = "thread-limit.csv";
    static final String HELD = "thread-limit-held.csv";

    private static final List<String> STEP_COLUMNS = List.of("server", "attempted", "held", "refused", "closed", "unanswered",
            "refusedMaxMillis", "threads", "limit", "threadStartFailures");
    private static final List<String> HELD_COLUMNS = List.of("server", "pinged", "answered", "millis", "threadStartFailures",
            "httpRejects");

    /**
     * What the clients had seen once {@code attempted} connections had been tried, in all.
     *
     * @param held                accepted (101) and still open
     * @param refused             answered with another status (503)
     * @param closed              closed or reset before any answer
     * @param unanswered          no answer within the client's timeout
     * @param refusedMaxMillis    the longest a refused client waited for its answer, so far
     * @param threads             the server's threads (tasks of its pids group)
     * @param limit               the group's {@code pids.max}
     * @param threadStartFailures the server's {@code /stats} counter, -1 when it refused that request too
     */
    record Step(String server, long attempted, long held, long refused, long closed, long unanswered, long refusedMaxMillis,
                long threads, long limit, long threadStartFailures) {

        List<String> cells() {
            return List.of(server, Csv.cell(attempted), Csv.cell(held), Csv.cell(refused), Csv.cell(closed), Csv.cell(unanswered),
                    Csv.cell(refusedMaxMillis), Csv.cell(threads), Csv.cell(limit), Csv.cell(threadStartFailures));
        }

        static Step of(Map<String, String> r) {
            return new Step(r.get("server"), Csv.longOf(r.get("attempted")), Csv.longOf(r.get("held")), Csv.longOf(r.get("refused")),
                    Csv.longOf(r.get("closed")), Csv.longOf(r.get("unanswered")), Csv.longOf(r.get("refusedMaxMillis")),
                    Csv.longOf(r.get("threads")), Csv.longOf(r.get("limit")), Csv.longOf(r.get("threadStartFailures")));
        }
    }

    /**
     * The ping of every connection held after the last step, and the server's counters after the clients left.
     *
     * @param pinged   connections pinged
     * @param answered pongs received within the lab's timeout
     * @param millis   from the first ping to the last pong (or the timeout)
     */
    record Held(String server, long pinged, long answered, long millis, long threadStartFailures, long httpRejects) {

        List<String> cells() {
            return List.of(server, Csv.cell(pinged), Csv.cell(answered), Csv.cell(millis), Csv.cell(threadStartFailures),
                    Csv.cell(httpRejects));
        }

        static Held of(Map<String, String> r) {
            return new Held(r.get("server"), Csv.longOf(r.get("pinged")), Csv.longOf(r.get("answered")), Csv.longOf(r.get("millis")),
                    Csv.longOf(r.get("threadStartFailures")), Csv.longOf(r.get("httpRejects")));
        }
    }

    /** Writes both files afresh (after each server, so a crash later keeps what was measured). */
    static void write(LabContext context, List<Step> steps, List<Held> held) throws IOException {
        if (context.dir() == null) return;
        Csv.write(context.file(STEPS), STEP_COLUMNS, steps.stream().map(Step::cells).toList());
        Csv.write(context.file(HELD), HELD_COLUMNS, held.stream().map(Held::cells).toList());
    }

    static List<Step> steps(RunData run) throws IOException {
        return LabData.csv(run, STEPS, STEP_COLUMNS).stream().map(Step::of).toList();
    }

    static List<Held> held(RunData run) throws IOException {
        return LabData.csv(run, HELD, HELD_COLUMNS).stream().map(Held::of).toList();
    }

    @Override
    public Table table(RunData run) {
        Table.Builder table = Table.of("server", "attempted", "held (101)", "refused (503)", "closed", "unanswered", "threads (limit)",
                "threadStartFailures", "held that answered a ping", "threadStartFailures after");
        try {
            List<Held> helds = held(run);
            for (Step last : lastSteps(steps(run))) {
                Held h = helds.stream().filter(x -> x.server().equals(last.server())).findFirst().orElse(null);
                table.row(last.server(), Format.count(last.attempted()), Format.count(last.held()), Format.count(last.refused()),
                        Format.count(last.closed()), Format.count(last.unanswered()),
                        Format.count(last.threads()) + " (" + Format.count(last.limit()) + ")",
                        last.threadStartFailures() < 0 ? "/stats refused" : Format.count(last.threadStartFailures()),
                        h == null ? "n/a" : Format.count(h.answered()) + " of " + Format.count(h.pinged()),
                        h == null ? "n/a" : Format.count(h.threadStartFailures()));
            }
        } catch (IOException e) {
            table.row("unreadable: " + e.getMessage());
        }
        return table.build();
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = LabData.settings(run);
        List<Step> steps = steps(run);
        List<Held> held = held(run);
        report.paragraph("The limit: each server's process was moved into a child group of the cgroup v1 `pids` controller "
                + "whose `pids.max` was set to the threads it ran after one connection, plus " + s.path("headroom").asText("?")
                + " (every thread is a task to the kernel, root's included). Then connections were opened one after another, "
                + "in steps, each a WebSocket handshake (`GET /ws`) by a client that waited up to "
                + s.path("answerTimeoutMillis").asText("?") + " ms for the answer and, once accepted, stayed connected and silent. "
                + "After each step, " + s.path("quietMillis").asText("?") + " ms later (a writer thread with nothing to send ends "
                + "after a second), the server's threads (tasks of its group) and its `/stats` were read. After the last step "
                + "every connection still held was pinged at once, which the server answers with a pong it has to write.");
        List<String> labels = LabData.variants(run).stream().map(Variant::label).toList();
        report.image("Connections held and refused as the limit is reached", Charts.xy(run.dir().resolve("connections.png"),
                "Connections held (solid) and refused with 503 (dashed)", "connections attempted", "connections", false,
                series(run, labels, steps, true)));
        report.image("The server's threads", Charts.xy(run.dir().resolve("threads.png"),
                "Server threads (solid) and the limit (dashed)", "connections attempted", "threads", false,
                series(run, labels, steps, false)));
        report.h3("Reading");
        report.paragraph(refusedAtTheLimit(steps));
        report.paragraph(didNotCare(steps));
        report.paragraph(unanswered(steps));
        report.paragraph(statsRefused(steps));
        report.paragraph(heldAnswered(held));
        report.paragraph(counted(lastSteps(steps), held));
    }

    @Override
    public String describe(String file) {
        return switch (file) {
            case STEPS -> "one line per step of each server: connections attempted, held, refused, closed, unanswered; threads, limit, the counter";
            case HELD -> "the ping of the connections held after the last step, and the counters once the clients left";
            default -> null;
        };
    }

    private static List<Charts.Series> series(RunData run, List<String> labels, List<Step> steps, boolean connections) {
        List<Charts.Series> series = new ArrayList<>();
        for (String label : labels) {
            List<Step> mine = steps.stream().filter(x -> x.server().equals(label)).toList();
            if (mine.isEmpty()) continue;
            List<Double> xs = mine.stream().map(x -> (double) x.attempted()).toList();
            if (connections) {
                series.add(new Charts.Series(label + " held", xs, mine.stream().map(x -> (double) x.held()).toList(),
                        LabData.color(run, label), false));
                series.add(new Charts.Series(label + " refused", xs, mine.stream().map(x -> (double) x.refused()).toList(),
                        LabData.color(run, label), true));
            } else {
                series.add(new Charts.Series(label + " threads", xs, mine.stream().map(x -> (double) x.threads()).toList(),
                        LabData.color(run, label), false));
                series.add(new Charts.Series(label + " limit", xs, mine.stream().map(x -> (double) x.limit()).toList(),
                        LabData.color(run, label), true));
            }
        }
        return series;
    }

    /** Each server's last step, in the run's order. */
    static List<Step> lastSteps(List<Step> steps) {
        Map<String, Step> last = new LinkedHashMap<>();
        for (Step step : steps) last.put(step.server(), step);
        return List.copyOf(last.values());
    }

    /**
     * The servers that refused connections: how many they held, how many they answered 503, how
     * fast, and how close their threads came to the limit. Null when none refused.
     */
    static String refusedAtTheLimit(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step last : lastSteps(steps)) {
            if (last.refused() <= 0) continue;
            Step first = steps.stream().filter(x -> x.server().equals(last.server()) && x.refused() > 0).findFirst().orElseThrow();
            items.add(String.format(Locale.ROOT, "`%s` held %s of %s connections and answered %s with `503` (the first in the step "
                            + "to %s attempted), each within %s ms of its connect; idle, it ran %s threads of its limit of %s, the "
                            + "other %s left for the writer threads its connections need when they have something to send",
                    last.server(), Format.count(last.held()), Format.count(last.attempted()), Format.count(last.refused()),
                    Format.count(first.attempted()), Format.count(last.refusedMaxMillis()), Format.count(last.threads()),
                    Format.count(last.limit()), Format.count(last.limit() - last.threads())));
        }
        if (items.isEmpty()) return null;
        return "At its thread limit a server refused new connections with a definite answer: " + String.join("; ", items)
                + ". Such a client sees `503 Service Unavailable` with `Retry-After: 1` in place of `101 Switching Protocols`.";
    }

    /** The servers that accepted every connection under the same limit, with threads that stayed below it. Null when none did. */
    static String didNotCare(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step last : lastSteps(steps)) {
            boolean all = last.held() == last.attempted() && last.refused() == 0 && last.closed() == 0 && last.unanswered() == 0;
            long most = steps.stream().filter(x -> x.server().equals(last.server())).mapToLong(Step::threads).max().orElse(-1);
            if (!all || most < 0 || most >= last.limit()) continue;
            items.add(String.format(Locale.ROOT, "`%s` held all %s with at most %s threads (limit %s)", last.server(),
                    Format.count(last.attempted()), Format.count(most), Format.count(last.limit())));
        }
        if (items.isEmpty()) return null;
        return "Under the same limit, " + String.join("; ", items) + ": their connections are not threads.";
    }

    /** Clients that got no answer at all, per server; null when every client got one. */
    static String unanswered(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step last : lastSteps(steps)) {
            if (last.unanswered() > 0 || last.closed() > 0) {
                items.add(String.format(Locale.ROOT, "`%s` %s closed without an answer, %s unanswered", last.server(),
                        Format.count(last.closed()), Format.count(last.unanswered())));
            }
        }
        if (items.isEmpty()) {
            return steps.isEmpty() ? null : "Every client got an answer: none was closed without one and none waited in vain.";
        }
        return "Some clients got no answer: " + String.join("; ", items) + ".";
    }

    /** The servers that refused the lab's own {@code /stats} request at some step: at the limit that is a connection too. */
    static String statsRefused(List<Step> steps) {
        List<String> items = new ArrayList<>();
        for (Step last : lastSteps(steps)) {
            long refusedSteps = steps.stream().filter(x -> x.server().equals(last.server()) && x.threadStartFailures() < 0).count();
            if (refusedSteps > 0) items.add("`" + last.server() + "` (" + refusedSteps + " steps)");
        }
        if (items.isEmpty()) return null;
        return "The lab's own `GET /stats` is a connection too, and was refused with `503` at the limit by " + String.join(", ", items)
                + ": a server out of threads cannot even say how it is doing.";
    }

    /** Whether the connections held after the last step all answered the ping; null without pings. */
    static String heldAnswered(List<Held> held) {
        List<String> all = new ArrayList<>();
        List<String> some = new ArrayList<>();
        for (Held h : held) {
            if (h.pinged() <= 0) continue;
            String item = String.format(Locale.ROOT, "`%s` %s of %s in %s ms", h.server(), Format.count(h.answered()),
                    Format.count(h.pinged()), Format.count(h.millis()));
            (h.answered() == h.pinged() ? all : some).add(item);
        }
        List<String> sentences = new ArrayList<>();
        if (!all.isEmpty()) {
            sentences.add("Every connection held after the last step answered a ping sent to all at once: " + String.join(", ", all)
                    + ". Refusing newcomers kept the threads that the held connections need to be answered.");
        }
        if (!some.isEmpty()) {
            sentences.add("Not every held connection answered the ping: " + String.join(", ", some) + ".");
        }
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }

    /**
     * Whether {@code /stats} counted what the clients saw: {@code threadStartFailures} at least the
     * 503s the clients got (and {@code httpRejects} too). Null when no server refused anything.
     */
    static String counted(List<Step> lasts, List<Held> held) {
        List<String> covered = new ArrayList<>();
        List<String> short_ = new ArrayList<>();
        for (Step last : lasts) {
            if (last.refused() <= 0) continue;
            Held h = held.stream().filter(x -> x.server().equals(last.server())).findFirst().orElse(null);
            if (h == null || h.threadStartFailures() < 0) continue;
            String item = String.format(Locale.ROOT, "`%s` %s for %s refusals seen", last.server(), Format.count(h.threadStartFailures()),
                    Format.count(last.refused()));
            (h.threadStartFailures() >= last.refused() && h.httpRejects() >= last.refused() ? covered : short_).add(item);
        }
        List<String> sentences = new ArrayList<>();
        if (!covered.isEmpty()) {
            sentences.add("`/stats` counted it (`threadStartFailures`, read once the clients had gone): " + String.join(", ", covered)
                    + "; a count above the refusals is connections that waited for a writer thread.");
        }
        if (!short_.isEmpty()) sentences.add("`/stats` counted fewer than the clients saw: " + String.join(", ", short_) + ".");
        return sentences.isEmpty() ? null : String.join(" ", sentences);
    }
}
