package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in its own process, started as {@code chatlab serve} starts one (the CLI's main class,
 * on this test's class path), known to be up by its announcement line: what a test needs to
 * kill with SIGKILL or pause with SIGSTOP without taking the test down with it.
 */
final class ChildServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("chatlab listening on 127\\.0\\.0\\.1:(\\d+) model=(\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Children still running when the test JVM exits (a test that timed out) are killed with it. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    final String model;
    private final Process process;
    private final int port;
    /** Everything the process printed, for failure messages. */
    private final StringBuffer output;

    private ChildServer(String model, Process process, int port, StringBuffer output) {
        this.model = model;
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Starts {@code chatlab serve --model M --port 0 --broker URL} and waits for its announcement. */
    static ChildServer start(String model, String brokerUrl) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "chatlab.cli.ChatlabCommand", "serve", "--model", model, "--port", "0", "--broker", brokerUrl));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        StringBuffer output = new StringBuffer();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("child-" + model).start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) listening.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException e) {
                // The process is gone.
            }
            listening.completeExceptionally(new IOException(model + " exited before listening: " + output));
        });
        try {
            return new ChildServer(model, process, listening.get(120, TimeUnit.SECONDS), output);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError(model + " did not start: " + output, e);
        }
    }

    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    JsonNode stats() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "/stats of " + model);
        return Json.parse(response.body());
    }

    /** Polls {@code /stats} until {@code brokerUp} (no event to wait on from outside the process); returns the stats. */
    JsonNode awaitBrokerUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode stats = stats();
        while (!stats.path("brokerUp").asBoolean(false)) {
            if (System.nanoTime() > deadline) throw new AssertionError(model + ": broker not up within " + timeout.toSeconds() + " s: " + stats);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            stats = stats();
        }
        return stats;
    }

    /** SIGKILL: the server dies without a goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process keeps its sockets and does nothing, as in a long pause. */
    void pause() throws Exception {
        signal("STOP");
    }

    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (exit != 0) throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }

    @Override
    public void close() throws Exception {
        if (!process.isAlive()) return;
        signal("CONT"); // a paused process would not act on SIGTERM
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }

    /** What the process printed so far. */
    String output() {
        return output.toString();
    }

    @Override
    public String toString() {
        return model + "@" + port;
    }
}
