package chatlab.protocol.ws;

/**
 * Sizes counted in {@code /stats} and against the outbound bound, computed without
 * encoding anything (the peers' libraries encode their own frames).
 */
public final class WireBytes {

    private WireBytes() {}

    /** Bytes of an unmasked server frame carrying {@code payloadBytes} (RFC 6455 5.2: 2, 4 or 10 header bytes). */
    public static int serverFrame(int payloadBytes) {
        if (payloadBytes < 126) return payloadBytes + 2;
        if (payloadBytes < 65536) return payloadBytes + 4;
        return payloadBytes + 10;
    }

    /** Bytes of {@code text} in UTF-8 (an unpaired surrogate counts as the 3 bytes of its replacement). */
    public static int utf8(CharSequence text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) continue;
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 2; // the pair is 2 chars and 4 bytes
                i++;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }
}
