package chatlab.labs;

import chatlab.bench.results.MemoryPart;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.StepDetail;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/** Recorded lab runs made up for the pages' tests: a clean run on a quiet two-core machine, with the servers and rows a sentence depends on. */
public final class LabTestRuns {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LabTestRuns() {}

    public static RunData run(String lab, List<Variant> variants, List<ResultRow> rows, List<StepDetail> details, List<MemoryPart> memory) {
        ObjectNode env = MAPPER.createObjectNode();
        env.put("created", "2026-01-01T00:00:00Z");
        env.put("command", "./chatlab lab " + lab);
        env.put("cores", 2);
        env.put("loadAverageAtStart", "0.10 0.20 0.30 1/100 1");
        env.put("gitCommit", "0123456789abcdef0123456789abcdef01234567");
        env.put("gitDirty", false);
        ObjectNode settings = env.putObject("settings");
        settings.put("lab", lab).put("profile", "default");
        settings.set("variants", MAPPER.valueToTree(variants));
        settings.putObject("labSettings");
        return new RunData(lab, Path.of("labs", lab), env, rows, details, memory, List.of(), null);
    }

    /** A row with the figures the labs' sentences use; -1 (or NaN) for the rest. */
    public static ResultRow row(String lab, String impl, long connections, long rss, long heapLive, long threads, long cpuMs,
                                long voluntary, long involuntary, long delivered, long errors) {
        return new ResultRow(lab, impl, connections, connections, rss, -1, heapLive, threads, cpuMs, voluntary, involuntary,
                ResultRow.GETRUSAGE, 0, -1, 100, 1000, 1000, 1000, delivered > 0 ? delivered / 10 : 0, delivered, delivered, delivered, errors);
    }

    public static StepDetail detail(ResultRow row, long sampledMs) {
        return new StepDetail(row.suite(), row.impl(), row.connections(), row.clients(), 0, 0, 0, row.connections(), sampledMs, -1,
                sampledMs, 0, "");
    }
}
