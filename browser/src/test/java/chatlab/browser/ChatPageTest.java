package chatlab.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chatlab.protocol.server.ServerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat page and its client library in a real Chromium, against each of chatlab's models:
 * chat over each transport, a server restart in the middle of a conversation, the fallback of
 * 'auto' when /ws is refused, and eight tabs sharing one connection. Each case runs a scenario of
 * {@code scenarios/} (read them for the steps and what is checked); screenshots and a log of each
 * run stay in {@code target/browser-artifacts/}.
 *
 * <p>{@code -Dchatlab.models=evented} narrows the models, {@code -Dchatlab.transports=sse} the transports.
 */
class ChatPageTest {

    static final List<String> MODELS = List.of("threaded-platform", "threaded-virtual", "evented");
    static final List<String> TRANSPORTS = List.of("websocket", "sse", "long-polling", "short-polling");

    @BeforeAll
    static void needsABrowser() throws Exception {
        String missing = BrowserTools.missing();
        assumeTrue(missing == null, missing);
        BrowserTools.installPackages();
    }

    static Stream<String> models() {
        return MODELS.stream().filter(model -> selected("chatlab.models", model));
    }

    static Stream<Arguments> modelsAndTransports() {
        return models().flatMap(model -> TRANSPORTS.stream()
                .filter(transport -> selected("chatlab.transports", transport))
                .map(transport -> Arguments.of(model, transport)));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("modelsAndTransports")
    void twoPagesChat(String model, String transport) throws Exception {
        try (RestartableServer server = new RestartableServer(model, ServerConfig.defaults())) {
            Scenario.run("chat", model, transport, server);
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("modelsAndTransports")
    void pagesCatchUpAfterAServerRestart(String model, String transport) throws Exception {
        try (RestartableServer server = new RestartableServer(model, ServerConfig.defaults())) {
            Scenario.run("restart", model, transport, server);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void autoFallsBackWhenWebSocketIsRefused(String model) throws Exception {
        try (RestartableServer server = new RestartableServer(model, ServerConfig.defaults().withWebSocketChat(false))) {
            Scenario.run("fallback", model, null, server);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void eightTabsShareOneConnection(String model) throws Exception {
        try (RestartableServer server = new RestartableServer(model, ServerConfig.defaults())) {
            Scenario.run("tabs", model, null, server);
        }
    }

    private static boolean selected(String property, String value) {
        String wanted = System.getProperty(property, "").trim();
        return wanted.isEmpty() || Arrays.stream(wanted.split(",")).map(String::trim).anyMatch(value::equals);
    }
}
