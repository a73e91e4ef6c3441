package chatlab.testsuite;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model names the suite runs against, as JUnit method sources.
 *
 * <p>The three core models get the whole suite; the reference peers get the chat, echo and
 * {@code /stats} cases (the parts of PROTOCOL.md a benchmark relies on). Setting the system
 * property {@code chatlab.models} (comma separated) narrows both lists, e.g.
 * {@code mvn -pl testsuite test -Dchatlab.models=evented,jetty}.
 */
final class Models {

    static final List<String> CORE = List.of("threaded-platform", "threaded-virtual", "evented");
    static final List<String> PEERS = List.of("jetty", "java-websocket", "netty", "node-ws");

    private Models() {}

    /** Method source: the core models, which must pass everything. */
    static Stream<String> core() {
        return CORE.stream().filter(Models::selected);
    }

    /** Method source: core models and reference peers. */
    static Stream<String> all() {
        return Stream.concat(CORE.stream(), PEERS.stream()).filter(Models::selected);
    }

    /** Method source: the servers that serve the browser page (all but node-ws). */
    static Stream<String> servingThePage() {
        return all().filter(model -> !model.equals("node-ws"));
    }

    static boolean isCore(String model) {
        return CORE.contains(model);
    }

    private static boolean selected(String model) {
        String property = System.getProperty("chatlab.models", "").trim();
        if (property.isEmpty()) {
            return true;
        }
        Set<String> wanted = Arrays.stream(property.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return wanted.contains(model);
    }
}
