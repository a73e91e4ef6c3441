package chatlab.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JMH section reads JMH's JSON, marks noise, and says a ratio only where both sides are not noise. */
class JmhSectionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode bench(ArrayNode all, String benchmark, String param, String value, double score, double error) {
        ObjectNode b = all.addObject();
        b.put("benchmark", "chatlab.bench.jmh." + benchmark);
        b.put("mode", "avgt");
        b.putObject("params").put(param, value);
        b.putObject("primaryMetric").put("score", score).put("scoreError", error).put("scoreUnit", "ns/op");
        b.putObject("secondaryMetrics").putObject("gc.alloc.rate.norm").put("score", 96.0).put("scoreUnit", "B/op");
        return b;
    }

    private static JsonNode decode(double ours, double netty, double ourError) {
        ArrayNode all = MAPPER.createArrayNode();
        bench(all, "FrameDecodeBenchmark.chatlab", "payloadBytes", "125", ours, ourError);
        bench(all, "FrameDecodeBenchmark.netty", "payloadBytes", "125", netty, 1);
        return all;
    }

    @Test
    void withinTheTargetIsSaidOnlyWhenTheRatioIsWithinIt() {
        String within = JmhSection.decodeAgainstNetty(JmhSection.scores(decode(120, 100, 2)));
        assertTrue(within.contains("(1.20x)") && within.contains("Within 1.5x of Netty"), within);
        String outside = JmhSection.decodeAgainstNetty(JmhSection.scores(decode(200, 100, 2)));
        assertTrue(outside.contains("(2.00x)") && outside.contains("Not within 1.5x") && !outside.contains("Within 1.5x"), outside);
    }

    @Test
    void aRowWhoseErrorExceedsHalfItsScoreIsNoiseAndSaysNothing() {
        List<JmhSection.Score> scores = JmhSection.scores(decode(120, 100, 70));
        assertTrue(scores.get(0).noise());
        assertFalse(scores.get(1).noise());
        assertEquals(96.0, scores.get(0).allocatedPerOp());
        assertNull(JmhSection.decodeAgainstNetty(scores), "no ratio from a noisy score");

        ArrayNode threads = MAPPER.createArrayNode();
        bench(threads, "ThreadHandOffBenchmark.roundTrip", "kind", "platform", 5000, 9000);
        bench(threads, "ThreadHandOffBenchmark.roundTrip", "kind", "virtual", 800, 10);
        assertNull(JmhSection.virtualAgainstPlatform(JmhSection.scores(threads), "ThreadHandOffBenchmark", "a hand-off"));
    }
}
