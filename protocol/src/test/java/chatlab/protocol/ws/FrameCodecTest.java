package chatlab.protocol.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.UnderTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The codec ({@link UnderTest#codec()}: chatlab's own, or the class an exercise check names):
 * RFC 6455's own examples byte for byte, then encoder and decoder against each other with random
 * frames in random splits, both roles, and every violation's close code.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrameCodecTest {

    private static final int MAX = 1 << 20;
    private static final SecureRandom MASKS = new SecureRandom();

    private final FrameCodec codec = UnderTest.codec();

    /** What a decoder reported, in order, as comparable strings. */
    static final class Recorder implements FrameDecoder.Listener {
        final List<String> events = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        @Override public void onMessage(int opcode, byte[] payload) { events.add("message " + opcode); payloads.add(payload); }
        @Override public void onPing(byte[] payload) { events.add("ping"); payloads.add(payload); }
        @Override public void onPong(byte[] payload) { events.add("pong"); payloads.add(payload); }
        @Override public void onClose(int code, String reason) { events.add("close " + code + " " + reason); payloads.add(new byte[0]); }
    }

    /** RFC 6455 section 5.7, "Examples", byte for byte: what the encoder writes and what the decoder reads. */
    @Test
    void rfcExamplesEncodeAndDecodeExactly() throws Exception {
        byte[] hello = "Hello".getBytes(StandardCharsets.US_ASCII);
        byte[] key = {0x37, (byte) 0xfa, 0x21, 0x3d};
        byte[] unmaskedHello = bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
        byte[] maskedHello = bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
        assertBytes(unmaskedHello, codec.encode(Opcode.TEXT, true, hello, null), "a single-frame unmasked text message");
        assertBytes(maskedHello, codec.encode(Opcode.TEXT, true, hello, key), "a single-frame masked text message");
        assertBytes(bytes(0x01, 0x03, 0x48, 0x65, 0x6c), codec.encode(Opcode.TEXT, false, "Hel".getBytes(StandardCharsets.US_ASCII), null),
                "the first fragment of an unmasked text message");
        assertBytes(bytes(0x80, 0x02, 0x6c, 0x6f), codec.encode(Opcode.CONTINUATION, true, "lo".getBytes(StandardCharsets.US_ASCII), null),
                "the last fragment of an unmasked text message");
        assertBytes(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f), codec.encode(Opcode.PING, true, hello, null), "an unmasked ping");
        assertBytes(bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58), codec.encode(Opcode.PONG, true, hello, key),
                "a masked pong");
        byte[] binary256 = codec.encode(Opcode.BINARY, true, new byte[256], null);
        assertBytes(bytes(0x82, 0x7e, 0x01, 0x00), Arrays.copyOf(binary256, 4), "the header of 256 bytes of unmasked binary (16-bit length)");
        assertEquals(4 + 256, binary256.length, "256 bytes of binary: 4 bytes of header, then the payload");
        byte[] binary64k = codec.encode(Opcode.BINARY, true, new byte[65536], null);
        assertBytes(bytes(0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0), Arrays.copyOf(binary64k, 10),
                "the header of 64 KiB of unmasked binary (64-bit length)");
        assertEquals(10 + 65536, binary64k.length, "64 KiB of binary: 10 bytes of header, then the payload");

        Recorder server = new Recorder();
        codec.newDecoder(FrameDecoder.Role.SERVER, MAX).decode(ByteBuffer.wrap(maskedHello), server);
        assertEquals(List.of("message " + Opcode.TEXT), server.events, "a server decoding the RFC's masked \"Hello\"");
        assertArrayEquals(hello, server.payloads.get(0), "the RFC's masked \"Hello\", unmasked");
        Recorder client = new Recorder();
        MessageDecoder decoder = codec.newDecoder(FrameDecoder.Role.CLIENT, MAX);
        decoder.decode(ByteBuffer.wrap(bytes(0x01, 0x03, 0x48, 0x65, 0x6c)), client);
        decoder.decode(ByteBuffer.wrap(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f)), client);
        decoder.decode(ByteBuffer.wrap(bytes(0x80, 0x02, 0x6c, 0x6f)), client);
        assertEquals(List.of("ping", "message " + Opcode.TEXT), client.events,
                "a client decoding the RFC's fragmented \"Hel\" + \"lo\" with a ping between: the ping at once, the message when whole");
        assertArrayEquals(hello, client.payloads.get(1), "the fragments \"Hel\" and \"lo\" joined");
    }

    @ParameterizedTest
    @EnumSource(FrameDecoder.Role.class)
    void randomFramesInRandomSplitsDecodeToWhatWasEncoded(FrameDecoder.Role role) throws Exception {
        Random random = new Random(20261123L);
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
                    byte[] part = Arrays.copyOfRange(payload, offset, end);
                    int opcode = f == 0 ? (text ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION;
                    wire.write(sentTo(role, opcode, f == fragments - 1, part));
                    if (f < fragments - 1 && random.nextBoolean()) {
                        byte[] ping = randomBytes(random, 125);
                        wire.write(sentTo(role, Opcode.PING, true, ping));
                        expectedEvents.add("ping");
                        expectedPayloads.add(ping);
                    }
                    offset = end;
                }
                expectedEvents.add("message " + (text ? Opcode.TEXT : Opcode.BINARY));
                expectedPayloads.add(payload);
            }
            Recorder recorder = new Recorder();
            MessageDecoder decoder = codec.newDecoder(role, MAX);
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
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            byte[] payload = randomBytes(new Random(length), length, length);
            byte[] frame = clientFrame(Opcode.BINARY, true, payload);
            Recorder recorder = new Recorder();
            MessageDecoder decoder = codec.newDecoder(FrameDecoder.Role.SERVER, MAX);
            for (byte b : frame) decoder.decode(ByteBuffer.wrap(new byte[] {b}), recorder);
            assertEquals(List.of("message 2"), recorder.events, "length " + length);
            assertArrayEquals(payload, recorder.payloads.get(0));
        }
    }

    @Test
    void serverRefusesUnmaskedAndClientRefusesMasked() {
        byte[] unmasked = codec.encode(Opcode.TEXT, true, "hi".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(CloseCode.PROTOCOL_ERROR, closeCodeOf(FrameDecoder.Role.SERVER, unmasked), "an unmasked frame sent to a server");
        byte[] masked = clientFrame(Opcode.TEXT, true, "hi".getBytes(StandardCharsets.UTF_8));
        assertEquals(CloseCode.PROTOCOL_ERROR, closeCodeOf(FrameDecoder.Role.CLIENT, masked), "a masked frame sent to a client");
    }

    @Test
    void tooBigIsRefusedFromTheHeaderBeforeThePayload() {
        MessageDecoder decoder = codec.newDecoder(FrameDecoder.Role.SERVER, 1000);
        // FIN+binary, masked, 16-bit length 1001: the payload never needs to arrive.
        byte[] header = {(byte) 0x82, (byte) (0x80 | 126), 0x03, (byte) 0xE9};
        WebSocketException e = assertThrows(WebSocketException.class, () -> decoder.decode(ByteBuffer.wrap(header), new Recorder()),
                "a header announcing 1001 bytes to a decoder limited to 1000");
        assertEquals(CloseCode.MESSAGE_TOO_BIG, e.closeCode(), "close code ('" + e.getMessage() + "')");
    }

    @Test
    void invalidUtf8IsRefusedBeforeTheLastFragment() throws Exception {
        MessageDecoder decoder = codec.newDecoder(FrameDecoder.Role.SERVER, MAX);
        byte[] bad = {'o', 'k', (byte) 0xC0, (byte) 0x80}; // overlong NUL
        byte[] firstFragment = clientFrame(Opcode.TEXT, false, bad);
        WebSocketException e = assertThrows(WebSocketException.class, () -> decoder.decode(ByteBuffer.wrap(firstFragment), new Recorder()),
                "invalid UTF-8 in the first fragment of a text message");
        assertEquals(CloseCode.BAD_PAYLOAD, e.closeCode(), "close code ('" + e.getMessage() + "')");
    }

    @Test
    void eachFramingViolationIs1002() {
        byte[] ok = "x".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> violations = new LinkedHashMap<>();
        violations.put("RSV1 set", withFirstByte(clientFrame(Opcode.TEXT, true, ok), 0x80 | 0x40 | Opcode.TEXT));
        violations.put("opcode 0x3", withFirstByte(clientFrame(Opcode.TEXT, true, ok), 0x80 | 0x3));
        violations.put("a fragmented ping", clientFrame(Opcode.PING, false, ok));
        violations.put("a ping of 126 bytes", clientFrame(Opcode.PING, true, new byte[126]));
        violations.put("a continuation with nothing to continue", clientFrame(Opcode.CONTINUATION, true, ok));
        violations.put("a text frame inside a fragmented text", concat(clientFrame(Opcode.TEXT, false, ok), clientFrame(Opcode.TEXT, true, ok)));
        violations.put("a close frame with a 1-byte payload", clientFrame(Opcode.CLOSE, true, new byte[] {3}));
        violations.put("close code 1005", clientFrame(Opcode.CLOSE, true, FrameEncoder.closePayload(1005, "")));
        violations.forEach((what, bytes) -> assertEquals(CloseCode.PROTOCOL_ERROR, closeCodeOf(FrameDecoder.Role.SERVER, bytes), what));
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

    private int closeCodeOf(FrameDecoder.Role role, byte[] bytes) {
        MessageDecoder decoder = codec.newDecoder(role, MAX);
        return assertThrows(WebSocketException.class, () -> decoder.decode(ByteBuffer.wrap(bytes), new Recorder()),
                "the decoder must throw a WebSocketException").closeCode();
    }

    /** A frame as the other end would send it to a decoder of {@code decodingRole}: masked towards a server, not towards a client. */
    private byte[] sentTo(FrameDecoder.Role decodingRole, int opcode, boolean fin, byte[] payload) {
        return decodingRole == FrameDecoder.Role.SERVER ? clientFrame(opcode, fin, payload) : codec.encode(opcode, fin, payload, null);
    }

    /** A client's frame, masked with a fresh key. */
    private byte[] clientFrame(int opcode, boolean fin, byte[] payload) {
        byte[] key = new byte[4];
        MASKS.nextBytes(key);
        return codec.encode(opcode, fin, payload, key);
    }

    private static void assertBytes(byte[] expected, byte[] actual, String what) {
        assertEquals(HexFormat.ofDelimiter(" ").formatHex(expected), actual == null ? "null" : HexFormat.ofDelimiter(" ").formatHex(actual), what);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) bytes[i] = (byte) values[i];
        return bytes;
    }

    private static byte[] withFirstByte(byte[] frame, int first) {
        frame[0] = (byte) first;
        return frame;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
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
