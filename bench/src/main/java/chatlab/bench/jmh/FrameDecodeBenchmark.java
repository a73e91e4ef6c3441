package chatlab.bench.jmh;

import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Level;

/**
 * How long does the server's decoder take for one masked text frame (unmask, validate UTF-8,
 * hand over the message), by payload size?
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class FrameDecodeBenchmark {

    @Param({"16", "125", "1024", "16384"})
    int payloadBytes;

    private ByteBuffer frame;
    private FrameDecoder decoder;
    private final Sink sink = new Sink();

    @Setup(Level.Trial)
    public void setUp() {
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'a');
        frame = ByteBuffer.wrap(FrameEncoder.clientFrame(Opcode.TEXT, true, payload, new SecureRandom()));
        decoder = new FrameDecoder(FrameDecoder.Role.SERVER, 64 * 1024);
    }

    @Benchmark
    public byte[] decodeOneFrame() throws WebSocketException {
        frame.rewind();
        decoder.decode(frame, sink); // a whole frame leaves the decoder ready for the next one
        return sink.last;
    }

    static final class Sink implements FrameDecoder.Listener {
        byte[] last;

        @Override public void onMessage(int opcode, byte[] payload) { last = payload; }
        @Override public void onPing(byte[] payload) { last = payload; }
        @Override public void onPong(byte[] payload) { last = payload; }
        @Override public void onClose(int code, String reason) { }
    }
}
