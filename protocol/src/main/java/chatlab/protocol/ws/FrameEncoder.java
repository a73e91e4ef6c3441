package chatlab.protocol.ws;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Writes RFC 6455 frames; stateless, so one frame's bytes can be shared by every recipient.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               |Masking-key, if MASK set to 1  |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * </pre>
 *
 * The server role writes unmasked frames; the client role masks every frame with a fresh key
 * from a {@link SecureRandom} ("MUST ... unpredictable", RFC 6455 5.3).
 */
public final class FrameEncoder {

    private FrameEncoder() {}

    /** A whole, unmasked frame as a server sends it. */
    public static byte[] serverFrame(int opcode, byte[] payload) {
        return frame(opcode, true, payload, 0, payload.length, null);
    }

    /** An unmasked frame with an explicit FIN bit (a server sending a fragment). */
    public static byte[] serverFrame(int opcode, boolean fin, byte[] payload) {
        return frame(opcode, fin, payload, 0, payload.length, null);
    }

    /** A masked frame as a client sends it, with a key drawn from {@code random}. */
    public static byte[] clientFrame(int opcode, boolean fin, byte[] payload, SecureRandom random) {
        byte[] key = new byte[4];
        random.nextBytes(key);
        return frame(opcode, fin, payload, 0, payload.length, key);
    }

    /** A server's text frame for a string. */
    public static byte[] serverText(String text) {
        return serverFrame(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A server's close frame. */
    public static byte[] serverClose(int code, String reason) {
        return serverFrame(Opcode.CLOSE, closePayload(code, reason));
    }

    /** The payload of a close frame: the code in network order, then the UTF-8 reason. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length);
        return payload;
    }

    /** Any frame; {@code maskKey} null for unmasked. */
    public static byte[] frame(int opcode, boolean fin, byte[] payload, int offset, int length, byte[] maskKey) {
        int headerLength = 2 + (length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8) + (maskKey == null ? 0 : 4);
        byte[] out = new byte[headerLength + length];
        int i = 0;
        out[i++] = (byte) ((fin ? 0x80 : 0) | (opcode & 0x0F));
        int maskBit = maskKey == null ? 0 : 0x80;
        if (length <= 125) {
            out[i++] = (byte) (maskBit | length);
        } else if (length <= 0xFFFF) {
            out[i++] = (byte) (maskBit | 126);
            out[i++] = (byte) (length >>> 8);
            out[i++] = (byte) length;
        } else {
            out[i++] = (byte) (maskBit | 127);
            long l = length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[i++] = (byte) (l >>> shift);
            }
        }
        if (maskKey == null) {
            System.arraycopy(payload, offset, out, i, length);
        } else {
            System.arraycopy(maskKey, 0, out, i, 4);
            i += 4;
            for (int j = 0; j < length; j++) {
                out[i + j] = (byte) (payload[offset + j] ^ maskKey[j & 3]);
            }
        }
        return out;
    }
}
