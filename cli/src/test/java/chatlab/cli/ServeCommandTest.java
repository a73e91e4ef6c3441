package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig.JsonRecycler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code ./chatlab serve} as a user meets it when something is wrong, on real processes: one line
 * saying what and how to fix it, exit code 2, never a stack trace.
 */
class ServeCommandTest {

    /** The output (both streams) and exit code of {@code chatlab serve ARGS}. */
    private record Outcome(int exit, String output) {}

    private static Outcome serve(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ChatlabCommand.class.getName(), "serve"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chatlab serve " + String.join(" ", args) + " did not exit");
        }
        return new Outcome(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static List<String> models() {
        return Implementation.ids();
    }

    @ParameterizedTest
    @MethodSource("models")
    @Timeout(90)
    void aPortInUseIsOneLineAndExitTwo(String model) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Outcome outcome = serve("--model", model, "--port", Integer.toString(busy.getLocalPort()));
            assertEquals(2, outcome.exit(), outcome.output());
            List<String> lines = outcome.output().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), "one line, no stack trace:\n" + outcome.output());
            assertTrue(lines.get(0).contains("port " + busy.getLocalPort() + " on 127.0.0.1 is in use") && lines.get(0).contains("--port 0"),
                    lines.get(0));
        }
    }

    @Test
    @Timeout(60)
    void aSettingOutOfRangeNamesTheOptionAndItsBound() throws Exception {
        assertOneLineUsageError(serve("--model", "evented", "--port", "0", "--max-message-bytes", "10"),
                "--max-message-bytes must be at least 125", "--help");
    }

    @Test
    @Timeout(60)
    void anUnknownJsonRecyclerListsTheValidOnes() throws Exception {
        assertOneLineUsageError(serve("--model", "evented", "--port", "0", "--json-recycler", "per-connection"),
                "'per-connection'", "thread-local or shared");
    }

    @Test
    @Timeout(60)
    void loopsAreForTheEventedModelAndAtLeastOne() throws Exception {
        assertOneLineUsageError(serve("--model", "threaded-platform", "--port", "0", "--loops", "2"),
                "--loops works with the evented model only, not threaded-platform");
        assertOneLineUsageError(serve("--model", "evented", "--port", "0", "--loops", "0"), "--loops must be between 1 and");
    }

    /** Exit 2 and one line of output holding every fragment. */
    private static void assertOneLineUsageError(Outcome outcome, String... fragments) {
        assertEquals(2, outcome.exit(), outcome.output());
        assertEquals(1, outcome.output().lines().count(), outcome.output());
        for (String fragment : fragments) assertTrue(outcome.output().contains(fragment), fragment + " in " + outcome.output());
    }

    @Test
    void theJsonRecyclerIsSharedUnlessThreadLocalIsAskedFor() {
        assertEquals(JsonRecycler.SHARED, parse("serve", "--model", "threaded-virtual").config().jsonRecycler());
        assertEquals(JsonRecycler.THREAD_LOCAL,
                parse("serve", "--model", "threaded-virtual", "--json-recycler", "thread-local").config().jsonRecycler());
        assertEquals(JsonRecycler.SHARED, parse("serve", "--model", "evented", "--json-recycler", "shared").config().jsonRecycler());
    }

    private static ServeCommand parse(String... args) {
        CommandLine.ParseResult result = ChatlabCommand.commandLine().parseArgs(args);
        return (ServeCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    @Timeout(60)
    void anUnknownModelListsTheValidOnes() throws Exception {
        Outcome outcome = serve("--model", "evnted");
        assertEquals(2, outcome.exit(), outcome.output());
        assertEquals(1, outcome.output().lines().count(), outcome.output());
        assertTrue(outcome.output().contains("'evnted'") && outcome.output().contains(String.join(", ", Implementation.ids())),
                outcome.output());
    }
}
