package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ProcessUsage;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * chatlab's additions to {@code /stats}: CPU time and context switches of the whole process,
 * ended threads included; GC pause time; the live heap after {@code /stats?gc=1}.
 *
 * <p>The JVM servers read {@code getrusage} through the foreign-function API, which the protocol
 * jar carries as a Multi-Release class for JDK 22+: these tests run on that jar (after
 * {@code package}), and on a JDK 22 or newer a figure of -1 fails them.
 */
class ProcessUsageTest {

    private static final boolean FFM = Runtime.version().feature() >= 22;
    private static final String WHY = "ProcessUsage reports -1 on JDK " + Runtime.version().feature()
            + ": the protocol classes did not come from the Multi-Release jar (META-INF/versions/22); run the tests"
            + " through 'mvn verify' (or package), not from target/classes";

    @Test
    void switchesOfAThreadThatHasEndedStillCount() throws Exception {
        ProcessUsage before = ProcessUsage.read();
        if (!FFM) {
            assertEquals(ProcessUsage.UNAVAILABLE, before.ctxVoluntary(), "a JDK 21 has no getrusage call");
            return;
        }
        assertTrue(before.available(), WHY);
        int parks = 300;
        Thread thread = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < parks; i++) LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        });
        thread.join();
        ProcessUsage after = ProcessUsage.read();
        // Summing the live threads of /proc/PID/task would have lost the ended thread's switches.
        assertTrue(after.ctxVoluntary() - before.ctxVoluntary() >= parks,
                "each park of the ended thread is a voluntary switch: " + before + " -> " + after);
        assertTrue(after.cpuMillis() >= before.cpuMillis());
    }

    @AllModels
    void statsCarriesTheProcessesUsageAndTheLiveHeapOnRequest(String model) {
        boolean jvm = Implementation.of(model).jvm();
        try (TestServer server = TestServer.start(model)) {
            JsonNode stats = server.statsJson();
            for (String field : new String[] {"cpuMillis", "ctxVoluntary", "ctxInvoluntary"}) {
                assertTrue(stats.path(field).isIntegralNumber(), field + " missing: " + stats);
                if (FFM || !jvm) assertTrue(stats.get(field).asLong() >= 0, (jvm ? WHY : field) + ": " + stats);
            }
            if (jvm) {
                assertTrue(stats.path("gcPauseMillis").asLong(-1) >= 0, "the JVM's own GC accounting: " + stats);
            } else {
                assertTrue(stats.path("gcPauseMillis").isMissingNode(), "node keeps no pause total: " + stats);
            }
            assertTrue(stats.path("heapLiveBytes").isMissingNode(), "no live heap without a requested GC: " + stats);

            var response = server.httpGet("/stats?gc=1");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode collected = Json.parse(response.body());
            long live = collected.path("heapLiveBytes").asLong(-1);
            assertTrue(live > 0 && live <= collected.get("heapUsedBytes").asLong() + (64 << 20),
                    "heapLiveBytes after the full GC: " + collected);
        }
    }
}
