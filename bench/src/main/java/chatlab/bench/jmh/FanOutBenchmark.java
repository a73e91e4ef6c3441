package chatlab.bench.jmh;

import chatlab.protocol.ws.FrameEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How much does a room message cost when its JSON and frame are built once and the same bytes are
 * handed to every member, against building them again for each member? (The loop over recipients
 * is the fan-out being measured, not a way to repeat the benchmark.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class FanOutBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Param({"10", "100", "1000"})
    int recipients;

    private String text;

    @Setup(Level.Trial)
    public void setUp() {
        text = "x".repeat(64);
    }

    @Benchmark
    public void encodeOnce(Blackhole recipientQueues) {
        byte[] frame = FrameEncoder.serverText(message());
        for (int i = 0; i < recipients; i++) recipientQueues.consume(frame);
    }

    @Benchmark
    public void encodePerRecipient(Blackhole recipientQueues) {
        for (int i = 0; i < recipients; i++) recipientQueues.consume(FrameEncoder.serverText(message()));
    }

    private String message() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "message");
        node.put("room", "lobby");
        node.put("from", "alice");
        node.put("text", text);
        node.put("id", "c-17");
        node.put("seq", 42);
        node.put("ts", 1_763_800_000_000L);
        return node.toString();
    }
}
