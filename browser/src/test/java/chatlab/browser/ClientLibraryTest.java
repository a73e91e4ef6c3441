package chatlab.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page's client library (ChatClient) in Node against an in-memory server ({@code unit/}):
 * resume after drops and restarts, exactly-once sending, gaps, liveness and backoff, each case
 * made to happen on purpose with a mocked clock. The browser tests show the same behaviour
 * end to end; these pin down the cases a real server cannot be made to produce on demand.
 */
class ClientLibraryTest {

    private static final Pattern SUMMARY = Pattern.compile("(?m)^# (pass|fail) (\\d+)$");

    @Test
    void nodeUnitTestsPass() throws IOException, InterruptedException {
        String node = BrowserTools.node();
        assumeTrue(node != null, "no node on PATH: the client library's unit tests are skipped (apt-get install nodejs)");
        Process process = new ProcessBuilder(node, "--test", "unit/").redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "node --test did not finish");
        String report = new String(output, StandardCharsets.UTF_8);
        int passed = 0;
        int failed = 0;
        Matcher m = SUMMARY.matcher(report);
        while (m.find()) {
            if (m.group(1).equals("pass")) passed = Integer.parseInt(m.group(2));
            else failed = Integer.parseInt(m.group(2));
        }
        assertEquals(0, process.exitValue(), "node --test unit/ failed:\n" + report);
        assertEquals(0, failed, report);
        assertTrue(passed >= 10, "expected the client library's unit tests to run, found " + passed + " passing:\n" + report);
    }
}
