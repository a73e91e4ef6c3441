package chatlab.testsuite;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A WebSocket frame, built and read here from RFC 6455 section 5.2 alone (not with chatlab's
 * codec), so that the tests can send exactly the malformed bytes they want.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |     Extended payload length continued, if payload len == 127  |
 *  + - - - - - - - - - - - - - - - +-------------------------------+
 *  |                               |Masking-key, if MASK set to 1  |
 *  +-------------------------------+-------------------------------+
 *  | Masking-key (continued)       |          Payload Data         |
 *  +-------------------------------- - - - - - - - - - - - - - - - +
 * </pre>
 */
record RawFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    // ---- building (client to server) ----

    /** The bytes of one frame; {@code masked} false only to test the server's rejection of it. */
    static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        long length = payload.length;
        if (length <= 125) {
            out.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write((int) (length >>> 8) & 0xFF);
            out.write((int) length & 0xFF);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift) & 0xFF);
            }
        }
        if (masked) {
            byte[] key = new byte[4];
            RANDOM.nextBytes(key);
            out.writeBytes(key);
            byte[] body = payload.clone();
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
            out.writeBytes(body);
        } else {
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    /** A well-formed, masked client frame. */
    static byte[] client(boolean fin, int opcode, byte[] payload) {
        return encode(fin, 0, opcode, payload, true);
    }

    static byte[] text(String text) {
        return client(true, TEXT, utf8(text));
    }

    static byte[] close(int code, byte[] reason) {
        return client(true, CLOSE, closePayload(code, reason));
    }

    static byte[] close(int code, String reason) {
        return close(code, utf8(reason));
    }

    static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ---- reading (server to client) ----

    /**
     * Reads one frame, or returns {@code null} on end of stream before its first byte.
     *
     * @throws EOFException when the stream ends inside a frame
     */
    static RawFrame read(InputStream in, int maxPayload) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte(in);
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
        }
        if (length < 0 || length > maxPayload) {
            throw new IOException("frame length " + length + " over the test's limit " + maxPayload
                    + " (first bytes " + Integer.toHexString(b0) + " " + Integer.toHexString(b1) + ")");
        }
        byte[] key = masked ? readFully(in, 4) : null;
        byte[] payload = readFully(in, (int) length);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new RawFrame((b0 & 0x80) != 0, (b0 >>> 4) & 0x7, b0 & 0xF, masked, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a frame header");
        }
        return b;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("stream ended inside a frame: " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    /** The close code of a close frame, 1005 (no status) when the payload is empty. */
    int closeCode() {
        return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }

    String closeReason() {
        return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }

    String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String shown = opcode == CLOSE ? "code " + closeCode() + " '" + closeReason() + "'"
                : payload.length <= 64 ? Arrays.toString(payload) : payload.length + " bytes";
        return "RawFrame[fin=" + fin + " rsv=" + rsv + " opcode=" + opcode + " masked=" + masked + " " + shown + "]";
    }
}
