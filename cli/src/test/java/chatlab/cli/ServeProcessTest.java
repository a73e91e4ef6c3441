package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The start contract the harness relies on, for a real process: the one announcement line once
 * it accepts, and exit code 0 on SIGTERM.
 */
class ServeProcessTest {

    private static final Pattern ANNOUNCE = Pattern.compile("chatlab listening on 127\\.0\\.0\\.1:(\\d+) model=(\\S+)");

    @ParameterizedTest
    @ValueSource(strings = {"threaded-platform", "threaded-virtual", "evented"})
    @Timeout(60)
    void announcesItsPortServesStatsAndExitsZeroOnSigterm(String model) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ChatlabCommand.class.getName(), "serve", "--model", model, "--port", "0")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            assertNotNull(line, "no announcement line");
            Matcher m = ANNOUNCE.matcher(line);
            assertTrue(m.matches(), "announcement was: " + line);
            assertEquals(model, m.group(2));

            HttpResponse<String> stats = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode());
            assertTrue(stats.body().contains("\"model\":\"" + model + "\""), stats.body());
            if (Runtime.version().feature() >= 22) {
                // The server process loads ProcessUsage from the protocol jar's Multi-Release overlay.
                assertTrue(!stats.body().contains("\"cpuMillis\":-1") && stats.body().contains("\"cpuMillis\":"),
                        "getrusage through the foreign-function API on JDK " + Runtime.version().feature() + ": " + stats.body());
            }

            server.destroy(); // SIGTERM
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "did not stop on SIGTERM");
            assertEquals(0, server.exitValue());
        } finally {
            server.destroyForcibly();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
