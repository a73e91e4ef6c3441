package chatlab.protocol.ws;

/**
 * Streaming UTF-8 validation: bytes go in one at a time, in any split, and the first byte that
 * cannot be part of valid UTF-8 is reported at once, so a text message is refused (1007) while it
 * is still arriving. Rejects overlong forms, surrogates (U+D800..U+DFFF) and anything past U+10FFFF.
 *
 * <p>The table is Bjoern Hoehrmann's UTF-8 DFA ("Flexible and Economical UTF-8 Decoder"),
 * the same automaton that Netty's and Jetty's validators are built on.
 */
public final class Utf8Validator {

    private static final int ACCEPT = 0;
    private static final int REJECT = 12;

    /** Byte class of each byte value. */
    private static final byte[] CLASSES = new byte[256];
    /** Next state for (state + class). */
    private static final byte[] TRANSITIONS = {
            0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
            12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
            12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
            12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
            12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12};

    static {
        for (int b = 0x80; b <= 0x8F; b++) CLASSES[b] = 1;
        for (int b = 0x90; b <= 0x9F; b++) CLASSES[b] = 9;
        for (int b = 0xA0; b <= 0xBF; b++) CLASSES[b] = 7;
        CLASSES[0xC0] = 8;
        CLASSES[0xC1] = 8;
        for (int b = 0xC2; b <= 0xDF; b++) CLASSES[b] = 2;
        CLASSES[0xE0] = 10;
        for (int b = 0xE1; b <= 0xEC; b++) CLASSES[b] = 3;
        CLASSES[0xED] = 4;
        CLASSES[0xEE] = 3;
        CLASSES[0xEF] = 3;
        CLASSES[0xF0] = 11;
        for (int b = 0xF1; b <= 0xF3; b++) CLASSES[b] = 6;
        CLASSES[0xF4] = 5;
        for (int b = 0xF5; b <= 0xFF; b++) CLASSES[b] = 8;
    }

    private int state = ACCEPT;

    /** Feeds one byte; returns false as soon as the bytes so far cannot be valid UTF-8. */
    public boolean accept(byte b) {
        state = TRANSITIONS[state + CLASSES[b & 0xFF]];
        return state != REJECT;
    }

    /** Whether the bytes so far end on a whole code point (true at the end of a valid message). */
    public boolean isComplete() { return state == ACCEPT; }

    public void reset() { state = ACCEPT; }

    /** Whole-array check, for close reasons and tests. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Utf8Validator validator = new Utf8Validator();
        for (int i = offset; i < offset + length; i++) {
            if (!validator.accept(bytes[i])) return false;
        }
        return validator.isComplete();
    }
}
