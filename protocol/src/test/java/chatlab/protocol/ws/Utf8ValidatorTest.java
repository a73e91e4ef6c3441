package chatlab.protocol.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming validator agrees with the JDK's strict decoder, and fails at the first bad byte. */
class Utf8ValidatorTest {

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            byte[] bytes = new byte[random.nextInt(8)];
            for (int j = 0; j < bytes.length; j++) {
                // Mostly bytes of multi-byte sequences, where the hard cases are.
                bytes[j] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
            }
            assertEquals(jdkAccepts(bytes), Utf8Validator.isValid(bytes, 0, bytes.length), () -> hex(bytes));
        }
    }

    @Test
    void failsAtTheFirstImpossibleByteNotAtTheEnd() {
        Utf8Validator validator = new Utf8Validator();
        assertFalse(validator.accept((byte) 0xED) && validator.accept((byte) 0xA0)); // a surrogate half
        Utf8Validator overlong = new Utf8Validator();
        assertFalse(overlong.accept((byte) 0xC1));
        Utf8Validator beyond = new Utf8Validator();
        assertFalse(beyond.accept((byte) 0xF4) && beyond.accept((byte) 0x90)); // past U+10FFFF
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) s.append(String.format("%02x ", b));
        return s.toString();
    }
}
