package chatlab.protocol.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Encoder and decoder against each other: random frames in random splits, both roles. */
class FrameCodecTest {

    private static final int MAX = 1 << 20;

    /** What a decoder reported, in order, as comparable strings. */
    static final class Recorder implements FrameDecoder.Listener {
        final List<String> events = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        @Override public void onMessage(int opcode, byte[] payload) { events.add("message " + opcode); payloads.add(payload); }
        @Override public void onPing(byte[] payload) { events.add("ping"); payloads.add(payload); }
        @Override public void onPong(byte[] payload) { events.add("pong"); payloads.add(payload); }
        @Override public void onClose(int code, String reason) { events.add("close " + code + " " + reason); payloads.add(new byte[0]); }
    }

    @ParameterizedTest
    @EnumSource(FrameDecoder.Role.class)
    void randomFramesInRandomSplitsDecodeToWhatWasEncoded(FrameDecoder.Role role) throws Exception {
        Random random = new Random(20261123L);
        SecureRandom masks = new SecureRandom();
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<String> expectedEvents = new ArrayList<>();
            List<byte[]> expectedPayloads = new ArrayList<>();
            int messages = 1 + random.nextInt(5);
            for (int m = 0; m < messages; m++) {
                boolean text = random.nextBoolean();
                byte[] payload = text ? randomText(random) : randomBytes(random);
                int fragments = 1 + random.nextInt(3);
                int offset = 0;
                for (int f = 0; f < fragments; f++) {
                    int end = f == fragments - 1 ? payload.length : offset + random.nextInt(payload.length - offset + 1);
                    byte[] part = java.util.Arrays.copyOfRange(payload, offset, end);
                    int opcode = f == 0 ? (text ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION;
                    wire.write(encode(role, opcode, f == fragments - 1, part, masks));
                    if (f < fragments - 1 && random.nextBoolean()) {
                        byte[] ping = randomBytes(random, 125);
                        wire.write(encode(role, Opcode.PING, true, ping, masks));
                        expectedEvents.add("ping");
                        expectedPayloads.add(ping);
                    }
                    offset = end;
                }
                expectedEvents.add("message " + (text ? Opcode.TEXT : Opcode.BINARY));
                expectedPayloads.add(payload);
            }
            Recorder recorder = new Recorder();
            FrameDecoder decoder = new FrameDecoder(role, MAX);
            byte[] bytes = wire.toByteArray();
            int position = 0;
            while (position < bytes.length) {
                int chunk = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(Math.min(bytes.length - position, 3000));
                chunk = Math.min(chunk, bytes.length - position);
                decoder.decode(ByteBuffer.wrap(bytes, position, chunk), recorder);
                position += chunk;
            }
            assertEquals(expectedEvents, recorder.events, "round " + round);
            for (int i = 0; i < expectedPayloads.size(); i++) {
                assertArrayEquals(expectedPayloads.get(i), recorder.payloads.get(i), "round " + round + " event " + i);
            }
        }
    }

    @Test
    void oneByteAtATimeHandlesEveryLengthEncoding() throws Exception {
        SecureRandom masks = new SecureRandom();
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            byte[] payload = randomBytes(new Random(length), length, length);
            byte[] frame = FrameEncoder.clientFrame(Opcode.BINARY, true, payload, masks);
            Recorder recorder = new Recorder();
            FrameDecoder decoder = new FrameDecoder(FrameDecoder.Role.SERVER, MAX);
            for (byte b : frame) decoder.decode(ByteBuffer.wrap(new byte[] {b}), recorder);
            assertEquals(List.of("message 2"), recorder.events, "length " + length);
            assertArrayEquals(payload, recorder.payloads.get(0));
        }
    }

    @Test
    void serverRefusesUnmaskedAndClientRefusesMasked() {
        byte[] unmasked = FrameEncoder.serverFrame(Opcode.TEXT, "hi".getBytes(StandardCharsets.UTF_8));
        assertEquals(CloseCode.PROTOCOL_ERROR, closeCodeOf(FrameDecoder.Role.SERVER, unmasked));
        byte[] masked = FrameEncoder.clientFrame(Opcode.TEXT, true, "hi".getBytes(StandardCharsets.UTF_8), new SecureRandom());
        assertEquals(CloseCode.PROTOCOL_ERROR, closeCodeOf(FrameDecoder.Role.CLIENT, masked));
    }

    @Test
    void tooBigIsRefusedFromTheHeaderBeforeThePayload() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Role.SERVER, 1000);
        // FIN+binary, masked, 16-bit length 1001: the payload never needs to arrive.
        byte[] header = {(byte) 0x82, (byte) (0x80 | 126), 0x03, (byte) 0xE9};
        WebSocketException e = assertThrows(WebSocketException.class, () -> decoder.decode(ByteBuffer.wrap(header), new Recorder()));
        assertEquals(CloseCode.MESSAGE_TOO_BIG, e.closeCode());
    }

    @Test
    void invalidUtf8IsRefusedBeforeTheLastFragment() throws Exception {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Role.SERVER, MAX);
        byte[] bad = {'o', 'k', (byte) 0xC0, (byte) 0x80}; // overlong NUL
        byte[] firstFragment = FrameEncoder.clientFrame(Opcode.TEXT, false, bad, new SecureRandom());
        WebSocketException e = assertThrows(WebSocketException.class, () -> decoder.decode(ByteBuffer.wrap(firstFragment), new Recorder()));
        assertEquals(CloseCode.BAD_PAYLOAD, e.closeCode());
    }

    @Test
    void eachFramingViolationIs1002() {
        SecureRandom r = new SecureRandom();
        byte[] ok = "x".getBytes(StandardCharsets.UTF_8);
        List<byte[]> violations = List.of(
                withFirstByte(FrameEncoder.clientFrame(Opcode.TEXT, true, ok, r), 0x80 | 0x40 | Opcode.TEXT), // RSV1
                withFirstByte(FrameEncoder.clientFrame(Opcode.TEXT, true, ok, r), 0x80 | 0x3),              // unknown opcode
                FrameEncoder.clientFrame(Opcode.PING, false, ok, r),                                          // fragmented control
                FrameEncoder.clientFrame(Opcode.PING, true, new byte[126], r),                                // control over 125
                FrameEncoder.clientFrame(Opcode.CONTINUATION, true, ok, r),                                   // nothing to continue
                concat(FrameEncoder.clientFrame(Opcode.TEXT, false, ok, r), FrameEncoder.clientFrame(Opcode.TEXT, true, ok, r)),
                FrameEncoder.clientFrame(Opcode.CLOSE, true, new byte[] {3}, r),                             // 1-byte close
                FrameEncoder.clientFrame(Opcode.CLOSE, true, FrameEncoder.closePayload(1005, ""), r));       // reserved code
        for (byte[] bytes : violations) {
            assertEquals(CloseCode.PROTOCOL_ERROR, closeCodeOf(FrameDecoder.Role.SERVER, bytes));
        }
    }

    @Test
    void closeCodesFollowRfc6455() {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999}) {
            assertTrue(CloseCode.isValidOnWire(code), "valid " + code);
        }
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1012, 1015, 2999, 5000}) {
            assertTrue(!CloseCode.isValidOnWire(code), "invalid " + code);
        }
    }

    private static int closeCodeOf(FrameDecoder.Role role, byte[] bytes) {
        FrameDecoder decoder = new FrameDecoder(role, MAX);
        return assertThrows(WebSocketException.class, () -> decoder.decode(ByteBuffer.wrap(bytes), new Recorder())).closeCode();
    }

    private static byte[] encode(FrameDecoder.Role decodingRole, int opcode, boolean fin, byte[] payload, SecureRandom masks) {
        // A server decodes what a client masked; a client decodes what a server did not.
        return decodingRole == FrameDecoder.Role.SERVER
                ? FrameEncoder.clientFrame(opcode, fin, payload, masks)
                : FrameEncoder.serverFrame(opcode, fin, payload);
    }

    private static byte[] withFirstByte(byte[] frame, int first) {
        frame[0] = (byte) first;
        return frame;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] randomBytes(Random random) { return randomBytes(random, 70_000); }

    private static byte[] randomBytes(Random random, int max) {
        int length = random.nextInt(4) == 0 ? random.nextInt(max + 1) : random.nextInt(Math.min(max, 200) + 1);
        return randomBytes(random, length, length);
    }

    private static byte[] randomBytes(Random random, int min, int max) {
        byte[] bytes = new byte[min + (max > min ? random.nextInt(max - min + 1) : 0)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(300);
        for (int i = 0; i < length; i++) {
            int cp;
            do {
                cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0x800 + random.nextInt(0xF800);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
            } while (cp >= 0xD800 && cp <= 0xDFFF);
            text.appendCodePoint(cp);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
