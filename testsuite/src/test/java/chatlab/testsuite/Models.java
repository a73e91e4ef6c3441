package chatlab.testsuite;

import chatlab.protocol.UnderTest;
import chatlab.protocol.server.ChatServerProvider;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model names the suite runs against, as JUnit method sources.
 *
 * <p>The three core models get the whole suite; the reference peers get the chat, echo and
 * {@code /stats} cases (the parts of PROTOCOL.md a benchmark relies on). A server under test
 * named by {@link UnderTest#SERVER} (a student's, in the exercise track) is held to what the core
 * models are. Setting the system property {@code chatlab.models} (comma separated) narrows the
 * lists, e.g. {@code mvn -pl testsuite test -Dchatlab.models=evented,jetty}.
 */
final class Models {

    static final List<String> CORE = List.of("threaded-platform", "threaded-virtual", "evented");
    static final List<String> PEERS = List.of("jetty", "java-websocket", "netty", "node-ws");

    private Models() {}

    /** Method source: the core models and the server under test, which must pass everything. */
    static Stream<String> core() {
        return Stream.concat(CORE.stream(), underTest().stream()).distinct().filter(Models::selected);
    }

    /** Method source: core models, the server under test and the reference peers. */
    static Stream<String> all() {
        return Stream.concat(core(), PEERS.stream().filter(Models::selected));
    }

    /** Whether the model is held to the whole of PROTOCOL.md (every model but the peers). */
    static boolean isCore(String model) {
        return !PEERS.contains(model);
    }

    /** The models of the server under test, if any. */
    static List<String> underTest() {
        return UnderTest.server().map(ChatServerProvider::models).orElse(List.of());
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
