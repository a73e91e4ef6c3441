package chatlab.bench.jmh;

import chatlab.protocol.ws.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What does the byte-at-a-time streaming UTF-8 check (which can refuse a text message while it
 * is still arriving) cost against the JDK's whole-buffer decoder, on ASCII and on mixed text?
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class Utf8ValidationBenchmark {

    @Param({"128", "4096"})
    int bytes;

    @Param({"ascii", "mixed"})
    String text;

    private byte[] input;
    private CharsetDecoder jdk;

    @Setup(Level.Trial)
    public void setUp() {
        String unit = text.equals("ascii") ? "hello, world " : "héllo wörld ☃ 🎉 ";
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < bytes) sb.append(unit);
        input = sb.toString().getBytes(StandardCharsets.UTF_8);
        jdk = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Benchmark
    public boolean streamingValidator() {
        return Utf8Validator.isValid(input, 0, input.length);
    }

    @Benchmark
    public Object jdkDecoder() throws CharacterCodingException {
        return jdk.decode(ByteBuffer.wrap(input));
    }
}
