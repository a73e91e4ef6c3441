package chatlab.bench.results;

import java.util.List;
import java.util.Map;

/**
 * One line of {@code failures.csv}: a check that failed, which makes {@code ./chatlab bench} exit 1.
 * A series that ends at a limit it was meant to find (the file limit, a p99 threshold, a server
 * falling behind and cutting off slow consumers as PROTOCOL.md says) is not a failure; a duplicated
 * message, a loss no slow-consumer close explains, an error answer, a server that died or a suite
 * that could not run are.
 *
 * @param connections the step's connections, or -1 for a failure outside a step
 */
public record Failure(String suite, String impl, long connections, String reason) {

    public static final List<String> COLUMNS = List.of("suite", "impl", "connections", "reason");

    public List<String> cells() {
        return List.of(suite, impl, Csv.cell(connections), reason);
    }

    public static Failure of(Map<String, String> r) {
        return new Failure(r.get("suite"), r.get("impl"), Csv.longOf(r.get("connections")), r.get("reason"));
    }
}
