package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's hook for the exercise track, on real processes: {@code serve --model class:CLASS}
 * starts a student's class (compiled from its sources) the way the benchmark starts every server,
 * a piece runs inside a chatlab model, and a class that is missing is one line and exit 2.
 */
class StudentServerTest {

    private static final Pattern ANNOUNCE = Pattern.compile("chatlab listening on 127\\.0\\.0\\.1:(\\d+) model=(\\S+)");

    /** A whole server of the student's: chatlab's evented model under a name of its own. */
    private static final String WRAPPED = """
            package mine;

            import chatlab.protocol.server.*;
            import java.io.IOException;
            import java.net.InetSocketAddress;

            public class Wrapped implements ChatServer {
                private final ChatServer inner;
                public Wrapped(ServerConfig config) { inner = ChatServers.create("evented", config); }
                @Override public String model() { return "mine"; }
                @Override public InetSocketAddress start(String host, int port) throws IOException { return inner.start(host, port); }
                @Override public StatsSnapshot stats() { return inner.stats(); }
                @Override public void close() { inner.close(); }
            }
            """;

    @Test
    @Timeout(120)
    void aStudentsServerCompiledFromItsSourcesServes(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("mine/Wrapped.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, WRAPPED);
        String stats = serveAndGetStats("class:mine.Wrapped", "--classpath", dir.toString());
        assertTrue(stats.contains("\"connections\":0"), stats);
    }

    @Test
    @Timeout(120)
    void aPieceRunsInsideTheModelItNames() throws Exception {
        String stats = serveAndGetStats("class:chatlab.protocol.ws.Rfc6455Codec@threaded-virtual");
        assertTrue(stats.contains("\"model\":\"threaded-virtual\""), "the codec runs in threaded-virtual: " + stats);
    }

    @Test
    @Timeout(60)
    void aClassThatIsMissingIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Process process = start("--model", "class:mine.Missing", "--classpath", dir.toString(), "--port", "0");
        assertTrue(process.waitFor(50, TimeUnit.SECONDS), "serve exits");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertEquals(1, output.lines().filter(l -> !l.isBlank()).count(), output);
        assertTrue(output.contains("class mine.Missing not found"), output);
    }

    /** Starts {@code serve --model MODEL ARGS --port 0}, reads its announcement and its {@code /stats}, stops it with SIGTERM. */
    private static String serveAndGetStats(String model, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--model", model, "--port", "0"));
        all.addAll(List.of(args));
        Process server = start(all.toArray(String[]::new));
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(90, TimeUnit.SECONDS);
            assertNotNull(line, "no announcement line");
            Matcher m = ANNOUNCE.matcher(line);
            assertTrue(m.matches(), "announcement was: " + line);
            assertEquals(model, m.group(2), "the announcement names the model as given");
            HttpResponse<String> stats = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode());
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
            assertEquals(0, server.exitValue());
            return stats.body();
        } finally {
            server.destroyForcibly();
        }
    }

    private static Process start(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                ChatlabCommand.class.getName(), "serve"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        return process;
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
