package chatlab.testsuite;

import chatlab.protocol.UnderTest;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.Implementation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The model names the suite runs against, as JUnit method sources, taken from
 * {@link Implementation} (the one list of the seven).
 *
 * <p>The three core models get the whole suite; the reference peers get the chat, echo and
 * {@code /stats} cases (the parts of PROTOCOL.md a benchmark relies on). A server under test
 * named by {@link UnderTest#SERVER} (a student's, in the exercise track) joins the core models
 * and is held to what they are. Setting the system
 * property {@code chatlab.models} (comma separated) narrows both lists, e.g.
 * {@code mvn -pl testsuite test -Dchatlab.models=evented,jetty}. A name that is not one of the
 * seven (or of the server under test) is an error naming the valid ones, and so is a selection that leaves a source empty: a typo
 * must fail, never pass by running nothing. To run the peer tests alone, add {@code -Dgroups=peers}.
 */
final class Models {

    static final String PROPERTY = "chatlab.models";

    private Models() {}

    /** Method source: the core models and the server under test, which must pass everything. */
    static Stream<String> core() {
        List<String> core = withUnderTest(Implementation.coreIds());
        return nonEmpty(selected(System.getProperty(PROPERTY, ""), core), "core", core);
    }

    /** Method source: core models, the server under test and reference peers. */
    static Stream<String> all() {
        List<String> all = withUnderTest(Implementation.ids());
        return nonEmpty(selected(System.getProperty(PROPERTY, ""), all), "any", all);
    }

    /** Method source: the servers that serve the browser page (all but node-ws). */
    static Stream<String> servingThePage() {
        return all().filter(model -> !model.equals("node-ws"));
    }

    /** Whether the model is held to the whole of PROTOCOL.md: chatlab's own models and the server under test. */
    static boolean isCore(String model) {
        return underTest().contains(model) || Implementation.of(model).core();
    }

    /** The models of the server under test ({@link UnderTest#SERVER}), if any. */
    static List<String> underTest() {
        return UnderTest.server().map(ChatServerProvider::models).orElse(List.of());
    }

    private static List<String> withUnderTest(List<String> models) {
        return Stream.concat(models.stream(), underTest().stream()).distinct().toList();
    }

    /**
     * The models of {@code among} that {@code property} names, in the list's order; all of them
     * when the property is blank.
     *
     * @throws IllegalArgumentException for a name that is not one of the seven implementations (nor the server under test)
     */
    static List<String> selected(String property, List<String> among) {
        if (property.isBlank()) return among;
        List<String> valid = withUnderTest(Implementation.ids());
        List<String> wanted = new ArrayList<>();
        for (String name : Arrays.stream(property.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            if (!valid.contains(name)) {
                throw new IllegalArgumentException("-D" + PROPERTY + " names '" + name + "', which is not a model; valid: "
                        + String.join(", ", valid));
            }
            wanted.add(name);
        }
        return among.stream().filter(wanted::contains).toList();
    }

    private static Stream<String> nonEmpty(List<String> models, String kind, List<String> among) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + System.getProperty(PROPERTY) + " selects no " + kind
                    + " model for this test (it runs against " + String.join(", ", among)
                    + "); name one of them, or run only the peer tests with -Dgroups=peers");
        }
        return models.stream();
    }
}
