package chatlab.testsuite;

import static chatlab.testsuite.RawFrame.BINARY;
import static chatlab.testsuite.RawFrame.CLOSE;
import static chatlab.testsuite.RawFrame.CONTINUATION;
import static chatlab.testsuite.RawFrame.PING;
import static chatlab.testsuite.RawFrame.TEXT;
import static chatlab.testsuite.RawFrame.client;
import static chatlab.testsuite.RawFrame.utf8;

import chatlab.protocol.server.StatsSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every frame-level violation PROTOCOL.md lists, each on its own connection: the server must
 * answer with a close frame of the right code as the very next thing it sends, then end the
 * connection, and count it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProtocolViolationTest {

    /** Bytes a client sends after the handshake, and the close code they must earn. */
    record Violation(String name, int code, Supplier<byte[][]> frames) {
        @Override public String toString() { return name + " -> " + code; }
    }

    private static Violation v(String name, int code, Supplier<byte[][]> frames) {
        return new Violation(name, code, frames);
    }

    private static byte[][] frames(byte[]... frames) {
        return frames;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static List<Violation> violations() {
        List<Violation> list = new ArrayList<>(List.of(
                v("unmasked text frame", 1002, () -> frames(RawFrame.encode(true, 0, TEXT, utf8("hello"), false))),
                v("RSV1 set", 1002, () -> frames(RawFrame.encode(true, 4, TEXT, utf8("hello"), true))),
                v("RSV2 set", 1002, () -> frames(RawFrame.encode(true, 2, TEXT, utf8("hello"), true))),
                v("RSV3 set", 1002, () -> frames(RawFrame.encode(true, 1, BINARY, utf8("hello"), true))),
                v("RSV1 on a ping", 1002, () -> frames(RawFrame.encode(true, 4, PING, utf8("p"), true))),
                v("opcode 0x3", 1002, () -> frames(client(true, 0x3, utf8("x")))),
                v("opcode 0x7", 1002, () -> frames(client(true, 0x7, new byte[0]))),
                v("opcode 0xB", 1002, () -> frames(client(true, 0xB, utf8("x")))),
                v("opcode 0xF", 1002, () -> frames(client(true, 0xF, new byte[0]))),
                v("ping of 126 bytes", 1002, () -> frames(client(true, PING, new byte[126]))),
                v("fragmented ping", 1002, () -> frames(client(false, PING, utf8("p")))),
                v("fragmented close", 1002, () -> frames(client(false, CLOSE, RawFrame.closePayload(1000, new byte[0])))),
                v("continuation with nothing to continue", 1002, () -> frames(client(true, CONTINUATION, utf8("x")))),
                v("unfinished continuation with nothing to continue", 1002, () -> frames(client(false, CONTINUATION, utf8("x")))),
                v("text inside a fragmented text", 1002, () -> frames(client(false, TEXT, utf8("a")), client(true, TEXT, utf8("b")))),
                v("binary inside a fragmented text", 1002, () -> frames(client(false, TEXT, utf8("a")), client(true, BINARY, utf8("b")))),
                v("text inside a fragmented binary", 1002, () -> frames(client(false, BINARY, utf8("a")), client(false, CONTINUATION, utf8("b")), client(true, TEXT, utf8("c")))),
                v("close with a 1-byte payload", 1002, () -> frames(client(true, CLOSE, bytes(0x03)))),
                v("invalid UTF-8 in a one-frame text", 1007, () -> frames(client(true, TEXT, bytes('a', 'b', 0xFF)))),
                v("overlong encoding", 1007, () -> frames(client(true, TEXT, bytes(0xC0, 0xAF)))),
                v("encoded surrogate", 1007, () -> frames(client(true, TEXT, bytes(0xED, 0xA0, 0x80)))),
                v("code point over U+10FFFF", 1007, () -> frames(client(true, TEXT, bytes(0xF4, 0x90, 0x80, 0x80)))),
                // The message is never finished: the server must judge the bytes as they arrive.
                v("invalid UTF-8 in the first fragment, FIN=0", 1007, () -> frames(client(false, TEXT, bytes('o', 'k', 0xC3, 0x28)))),
                v("invalid UTF-8 in a middle continuation", 1007, () -> frames(client(false, TEXT, utf8("fine")), client(false, CONTINUATION, bytes(0x80)))),
                v("invalid UTF-8 in a close reason", 1007, () -> frames(client(true, CLOSE, RawFrame.closePayload(1000, bytes(0xFF, 0xFE)))))));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 5000, 65535}) {
            list.add(v("close code " + code, 1002, () -> frames(RawFrame.close(code, ""))));
        }
        return list;
    }

    static Stream<Arguments> coreModelsAndViolations() {
        return Models.core().flatMap(model -> violations().stream().map(violation -> Arguments.of(model, violation)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @Tag("core")
    @MethodSource("coreModelsAndViolations")
    void violationIsClosedWithItsCode(String model, Violation violation) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            ws.send(violation.frames().get());
            ws.expectClose(violation.code(), Duration.ofSeconds(5));
            server.awaitCounter("protocolCloses", StatsSnapshot::protocolCloses, 1, Duration.ofSeconds(5));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @Tag("core")
    @MethodSource("coreModelsAndViolations")
    void violationOnChatIsClosedToo(String model, Violation violation) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/ws")) {
            ws.send(violation.frames().get());
            ws.expectClose(violation.code(), Duration.ofSeconds(5));
        }
    }
}
