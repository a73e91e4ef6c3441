package chatlab.bench.jmh;

import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import java.security.SecureRandom;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What does writing one frame cost by payload size, as a server writes it (unmasked, a copy) and
 * as a client must (masked with a fresh key from a {@link SecureRandom})?
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class FrameEncodeBenchmark {

    @Param({"16", "125", "1024", "16384"})
    int payloadBytes;

    private byte[] payload;
    private SecureRandom random;

    @Setup(Level.Trial)
    public void setUp() {
        payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'a');
        random = new SecureRandom();
    }

    @Benchmark
    public byte[] serverFrame() {
        return FrameEncoder.serverFrame(Opcode.TEXT, payload);
    }

    @Benchmark
    public byte[] clientFrameMasked() {
        return FrameEncoder.clientFrame(Opcode.TEXT, true, payload, random);
    }
}
