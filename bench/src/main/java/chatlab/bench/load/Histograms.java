package chatlab.bench.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds, and their compressed base64 form for crossing process boundaries. */
public final class Histograms {

    /** Anything slower than this is recorded as this (ten minutes, in microseconds). */
    public static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private Histograms() {}

    public static Histogram create() {
        return new Histogram(HIGHEST_MICROS, 3);
    }

    public static void recordNanos(Histogram histogram, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        histogram.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    public static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    public static Histogram decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) return create();
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
            Histogram copy = create();
            copy.add(h);
            return copy;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an encoded histogram", e);
        }
    }
}
