package chatlab.bench.jmh;

import chatlab.protocol.server.OutboundQueue;
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

/**
 * What does one room message cost, handed to each of N members' real {@link OutboundQueue}s (the
 * server's per-connection queue, lock and bound included) and taken out again as a writer would,
 * when its JSON and frame are built once and the same bytes shared, against built again for each
 * member? The loop over the members is the fan-out being measured, not a way to repeat the
 * benchmark; the queues are emptied in the same invocation, so every invocation starts from empty
 * queues, as a connection whose writer keeps up does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class FanOutBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] CLOSE = FrameEncoder.serverClose(1008, "slow");
    private static final int BOUND = 1024 * 1024;

    @Param({"10", "100", "1000"})
    int recipients;

    private String text;
    private OutboundQueue[] queues;

    @Setup(Level.Trial)
    public void setUp() {
        text = "x".repeat(64);
        queues = new OutboundQueue[recipients];
        for (int i = 0; i < recipients; i++) queues[i] = new OutboundQueue();
    }

    @Benchmark
    public long encodeOnce() {
        byte[] frame = FrameEncoder.serverText(message());
        for (OutboundQueue queue : queues) queue.offer(frame, BOUND, CLOSE);
        return drain();
    }

    @Benchmark
    public long encodePerRecipient() {
        for (OutboundQueue queue : queues) queue.offer(FrameEncoder.serverText(message()), BOUND, CLOSE);
        return drain();
    }

    /** Takes every queue's bytes out, as the connections' writers would; returns the bytes taken. */
    private long drain() {
        long bytes = 0;
        for (OutboundQueue queue : queues) {
            byte[] frame;
            while ((frame = queue.poll()) != null) {
                bytes += frame.length;
            }
        }
        return bytes;
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
