package chatlab.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Generator} in a child JVM ({@link GeneratorMain}), so that each process stays under its
 * own file limit. Every request waits for its answer with a timeout; a child that does not answer
 * in time is killed and the call fails with a message saying so.
 */
public final class GeneratorProcess implements Generator {

    private final Process process;
    private final Writer toChild;
    private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(16);
    private final String name;

    /**
     * @param command the command line up to (not including) the main class: for example
     *                {@code taskset -c 0 /path/java -Xmx1g -cp ...}
     * @param log     where the child's stderr goes
     */
    public GeneratorProcess(List<String> command, File log, String name) throws IOException {
        this.name = name;
        List<String> full = new ArrayList<>(command);
        full.add(GeneratorMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.appendTo(log));
        this.process = builder.start();
        this.toChild = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon(true).name(name + "-reader").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    answers.put(line);
                }
            } catch (IOException | InterruptedException e) {
                // The process is gone; the next request times out or sees it dead.
            }
        });
        String hello = take(60_000, "start");
        if (!hello.contains("ready")) throw new IOException(name + " did not start: " + hello);
    }

    @Override
    public ConnectResult connect(ConnectPlan plan) throws IOException {
        return GeneratorMain.MAPPER.treeToValue(request("connect", plan, plan.timeoutMillis() + 30_000), ConnectResult.class);
    }

    @Override
    public LoadResult load(LoadPlan plan) throws IOException {
        long timeout = plan.warmupMillis() + plan.durationMillis() + plan.drainTimeoutMillis() + 45_000;
        return GeneratorMain.MAPPER.treeToValue(request("load", plan, timeout), LoadResult.class);
    }

    @Override
    public int open() throws IOException {
        return request("open", null, 15_000).asInt();
    }

    @Override
    public void closeAll() throws IOException {
        request("closeAll", null, 75_000);
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) request("exit", null, 75_000);
        } catch (IOException e) {
            // Killed below.
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long pid() { return process.pid(); }

    private synchronized JsonNode request(String op, Object plan, long timeoutMillis) throws IOException {
        if (!process.isAlive()) throw new IOException(name + " has exited with " + process.exitValue());
        ObjectNode request = GeneratorMain.MAPPER.createObjectNode();
        request.put("op", op);
        if (plan != null) request.set("plan", GeneratorMain.MAPPER.valueToTree(plan));
        toChild.write(GeneratorMain.MAPPER.writeValueAsString(request));
        toChild.write('\n');
        toChild.flush();
        JsonNode answer = GeneratorMain.MAPPER.readTree(take(timeoutMillis, op));
        if (!answer.path("ok").asBoolean()) throw new IOException(name + ": " + answer.path("error").asText());
        return answer.get("result");
    }

    private String take(long timeoutMillis, String op) throws IOException {
        try {
            String line = answers.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (line != null) return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        throw new IOException(name + " gave no answer to '" + op + "' within " + timeoutMillis + " ms; killed it");
    }
}
