package chatlab.bench.echo;

import chatlab.bench.Format;
import chatlab.bench.results.Figures;
import chatlab.bench.results.Impls;
import chatlab.bench.results.LoadReading;
import chatlab.bench.results.Report;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/** The echo's section: round trip and throughput at each connection count, and a computed reading. */
final class EchoSection implements ReportSection {

    private static final String NAME = EchoSuite.NAME;

    @Override
    public String title() { return "Echo: request and response"; }

    @Override
    public String summaryHeading() { return "echo: conns, p99, delivered of offered"; }

    @Override
    public String summary(RunData run, String impl) {
        return run.rows(NAME, impl).stream().filter(chatlab.bench.results.ResultRow::measured).reduce((a, b) -> b)
                .map(r -> Format.count(r.clients()) + ", " + Format.micros(r.p99Us()) + ", " + Format.count(r.deliveredPerS()) + " of "
                        + Format.count(r.offeredPerS()) + "/s" + (r.errors() > 0 ? " [" + r.errors() + " err]" : "")).orElse(null);
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = run.settings(NAME);
        List<String> impls = Impls.ordered(run.impls(NAME));
        report.paragraph("Each connection sends a " + s.path("payloadBytes").asText("?") + "-byte text message "
                + s.path("ratePerConnection").asText("?") + " time(s) a second on `/echo` (open loop), and each must come back once. "
                + "Warm-up " + s.path("warmupMillis").asText("?") + " ms (" + s.path("firstWarmupMillis").asText("?")
                + " ms at the first step), measured window " + s.path("durationMillis").asText("?") + " ms.");
        report.paragraph("p99 round trip, and messages echoed per second that arrived in the window, with their share of the "
                + "offered load where it fell below " + Format.percent(Figures.KEPT_UP) + " (errors in brackets):");
        LoadReading.matrix(report, run, NAME, " conns", r -> Format.micros(r.p99Us()) + ", " + LoadReading.delivered(r)
                + (r.errors() > 0 ? " [" + r.errors() + "]" : ""));
        LoadReading.charts(report, run, NAME, "Echo", "round-trip", "connections", "messages echoed");
        report.h3("Reading");
        long common = Figures.largestCommonMeasured(run, NAME, impls);
        if (common > 0) {
            report.paragraph(LoadReading.p99Ranking(run, NAME, common, "connections"));
            report.paragraph(LoadReading.costPerDelivery(run, NAME, common));
            report.paragraph(LoadReading.switchComparison(run, NAME, common, "Each message wakes its connection's reader thread, "
                    + "then its writer thread for the answer; the event loop finds every ready socket in one `epoll_wait` on the thread "
                    + "it already runs on."));
        }
        report.paragraph(LoadReading.fellBehind(run, NAME));
        report.paragraph(LoadReading.allKeptUp(run, NAME));
        report.paragraph(LoadReading.generatorLoad(run, NAME));
    }
}
