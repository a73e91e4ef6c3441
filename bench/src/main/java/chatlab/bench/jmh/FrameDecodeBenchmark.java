package chatlab.bench.jmh;

import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * How long does a server's decoder take for one masked text frame (unmask, check UTF-8, hand over
 * the message), by payload size: chatlab's {@link FrameDecoder} next to Netty's
 * {@link WebSocket08FrameDecoder} on the same bytes, so that the ratio of the two is read off one
 * run. Netty's decoder runs in an {@link EmbeddedChannel} with its {@link Utf8FrameValidator}
 * behind it (the UTF-8 check is a handler of its own in Netty), as a server pipeline holds them;
 * the channel's pipeline pass is in Netty's figure, a few tens of nanoseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class FrameDecodeBenchmark {

    @Param({"16", "125", "1024", "16384"})
    int payloadBytes;

    private byte[] bytes;
    private ByteBuffer frame;
    private FrameDecoder decoder;
    private final Sink sink = new Sink();
    private EmbeddedChannel netty;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'a');
        bytes = FrameEncoder.clientFrame(Opcode.TEXT, true, payload, new SecureRandom());
        frame = ByteBuffer.wrap(bytes);
        decoder = new FrameDecoder(FrameDecoder.Role.SERVER, 64 * 1024);
        netty = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).allowMaskMismatch(false).allowExtensions(false)
                .maxFramePayloadLength(64 * 1024).build()), new Utf8FrameValidator());
    }

    @Benchmark
    public byte[] chatlab() throws WebSocketException {
        frame.rewind();
        decoder.decode(frame, sink); // a whole frame leaves the decoder ready for the next one
        return sink.last;
    }

    @Benchmark
    public int netty() {
        netty.writeInbound(Unpooled.wrappedBuffer(bytes));
        WebSocketFrame decoded = netty.readInbound();
        int length = decoded.content().readableBytes();
        decoded.release();
        return length;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    static final class Sink implements FrameDecoder.Listener {
        byte[] last;

        @Override public void onMessage(int opcode, byte[] payload) { last = payload; }
        @Override public void onPing(byte[] payload) { last = payload; }
        @Override public void onPong(byte[] payload) { last = payload; }
        @Override public void onClose(int code, String reason) { }
    }
}
