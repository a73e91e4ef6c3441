package chatlab.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one scenario of {@code scenarios/run.mjs} (node + playwright-core + Chromium) against a
 * server of this JVM, and does what it asks of the server ({@code stop}, {@code start}) while it
 * runs. Its log and screenshots stay in {@code target/browser-artifacts/MODEL/NAME/}.
 */
final class Scenario {

    /** A scenario's own waits are at most 45 s each; this only stops a run that hangs. */
    private static final long RUN_LIMIT_SECONDS = 240;
    private static final Pattern ASK = Pattern.compile("\\{\"ask\":\"(\\w+)\"}");
    /**
     * How long a scenario waits for a page to show what it expects, in ms, when not its own 45 s:
     * the exercise track's own test shortens it, to see a starter that never connects fail sooner.
     */
    static final String WAIT_PROPERTY = "chatlab.browser.wait.ms";
    private static final Pattern RESULT = Pattern.compile("\\{\"result\":\"(\\w+)\"(?:,\"reason\":(.*))?}");

    private Scenario() {}

    static void run(String scenario, String model, String transport, RestartableServer server) throws Exception {
        Path artifacts = BrowserTools.dir().resolve(Path.of("target", "browser-artifacts", model,
                transport == null ? scenario : scenario + "-" + transport)).toAbsolutePath();
        Files.createDirectories(artifacts);
        Path logFile = artifacts.resolve("log.txt");
        List<String> command = new ArrayList<>(List.of(BrowserTools.node(), "scenarios/run.mjs", scenario, server.base(),
                transport == null ? "auto" : transport, model));
        ProcessBuilder builder = new ProcessBuilder(command).directory(BrowserTools.dir().toAbsolutePath().toFile())
                .redirectError(logFile.toFile());
        builder.environment().put("CHATLAB_ARTIFACTS", artifacts.toString());
        builder.environment().put("CHATLAB_CHROMIUM", BrowserTools.CHROMIUM.toString());
        String wait = System.getProperty(WAIT_PROPERTY);
        if (wait != null) builder.environment().put("CHATLAB_WAIT_MS", wait);
        Process process = builder.start();
        // The scenario reads our answers on its stdin; a watchdog ends a run that hangs.
        Thread watchdog = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                if (!process.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        });
        String result = null;
        String reason = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher ask = ASK.matcher(line);
                Matcher done = RESULT.matcher(line);
                if (ask.matches()) {
                    switch (ask.group(1)) {
                        case "stop" -> server.stop();
                        case "start" -> server.start();
                        default -> fail("the scenario asked for '" + ask.group(1) + "', which this test does not know");
                    }
                    in.write(ask.group(1).equals("stop") ? "stopped\n" : "started\n");
                    in.flush();
                } else if (done.matches()) {
                    result = done.group(1);
                    reason = done.group(2);
                }
            }
        } finally {
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
            watchdog.interrupt();
        }
        if (!"ok".equals(result)) {
            String log = Files.exists(logFile) ? tail(Files.readString(logFile), 4000) : "(no log)";
            fail(model + " " + scenario + (transport == null ? "" : " over " + transport) + ": "
                    + (result == null ? "the scenario ended without a result (exit " + process.exitValue() + ")" : reason)
                    + "\n--- " + logFile + " (end) ---\n" + log);
        }
    }

    private static String tail(String text, int max) {
        return text.length() <= max ? text : "..." + text.substring(text.length() - max);
    }
}
