package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.StatsSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /echo}: every data message back unchanged with the same opcode, a fragmented one whole,
 * pings answered between fragments, the size limit (default 64 KiB) and the close handshake.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoTest {

    static final int[] SIZES = {0, 125, 126, 65535, 65536};
    static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<Arguments> allModelsAndClients() {
        return Models.all().flatMap(model -> Stream.of(WsClient.Kind.values()).map(kind -> Arguments.of(model, kind)));
    }

    static Stream<Arguments> allModelsAndCloseCodes() {
        return Models.all().flatMap(model -> Stream.of(1000, 1001, 1003, 3000, 4000, 4999).map(code -> Arguments.of(model, code)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @Tag("peers")
    @MethodSource("allModelsAndClients")
    void echoesTextOfEverySize(String model, WsClient.Kind kind) {
        try (TestServer server = TestServer.start(model);
             WsClient client = WsClient.connect(kind, server.ws("/echo"))) {
            for (int size : SIZES) {
                String text = asciiText(size);
                client.sendText(text);
                assertSameText(text, client.nextText(), size + " bytes of ASCII text");
            }
            String mixed = "h\u00e9llo w\u00f6rld \u20ac \ud834\udd1e \u65e5\u672c";
            client.sendText(mixed);
            assertSameText(mixed, client.nextText(), "multi-byte UTF-8 text");
            String euros = "\u20ac".repeat(21845) + "a"; // 3 * 21845 + 1 = 65536 bytes of UTF-8
            client.sendText(euros);
            assertSameText(euros, client.nextText(), "65536 bytes of multi-byte UTF-8 text");
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @Tag("peers")
    @MethodSource("allModelsAndClients")
    void echoesBinaryOfEverySize(String model, WsClient.Kind kind) {
        try (TestServer server = TestServer.start(model);
             WsClient client = WsClient.connect(kind, server.ws("/echo"))) {
            Random random = new Random(42);
            for (int size : SIZES) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                client.sendBinary(data);
                assertArrayEquals(data, client.nextBinary(), size + " bytes of binary");
            }
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @Tag("peers")
    @MethodSource("allModelsAndClients")
    void messageOverTheLimitIsClosedWith1009(String model, WsClient.Kind kind) {
        try (TestServer server = TestServer.start(model)) {
            try (WsClient client = WsClient.connect(kind, server.ws("/echo"))) {
                client.sendText(asciiText(65537));
                assertEquals(1009, client.awaitClose(WAIT).code(), "65537 bytes of text");
            }
            try (WsClient client = WsClient.connect(kind, server.ws("/echo"))) {
                client.sendBinary(new byte[65537]);
                assertEquals(1009, client.awaitClose(WAIT).code(), "65537 bytes of binary");
            }
            if (server.isCore()) {
                server.awaitCounter("protocolCloses", StatsSnapshot::protocolCloses, 2, Duration.ofSeconds(5));
            }
        }
    }

    @CoreModels
    void configuredLimitIsApplied(String model) {
        var config = chatlab.protocol.server.ServerConfig.defaults().withMaxMessageBytes(1000);
        try (TestServer server = TestServer.start(model, config);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            ws.send(RawFrame.client(true, RawFrame.BINARY, new byte[1000]));
            RawFrame echo = ws.read(WAIT);
            assertEquals(1000, echo.payload().length, "a message at the configured limit is echoed");
            ws.send(RawFrame.client(false, RawFrame.BINARY, new byte[600]), RawFrame.client(true, RawFrame.CONTINUATION, new byte[401]));
            ws.expectClose(1009, WAIT);
        }
    }

    @AllModels
    void fragmentedTextWithPingsBetweenComesBackWhole(String model) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            ws.send(RawFrame.client(false, RawFrame.TEXT, RawFrame.utf8("Hello, ")));
            ws.send(RawFrame.client(true, RawFrame.PING, RawFrame.utf8("ping-1")));
            // The pong must come while the message is still unfinished.
            RawFrame pong = ws.read(WAIT);
            assertEquals(RawFrame.PONG, pong.opcode(), "a pong between fragments, got " + pong);
            assertEquals("ping-1", pong.text(), "the pong carries the ping's payload");

            ws.send(RawFrame.client(false, RawFrame.CONTINUATION, RawFrame.utf8("fragmented ")));
            byte[] binaryPing = {0, 1, 2, (byte) 0xFF, (byte) 0xFE};
            ws.send(RawFrame.client(true, RawFrame.PING, binaryPing));
            pong = ws.read(WAIT);
            assertEquals(RawFrame.PONG, pong.opcode(), "second pong, got " + pong);
            assertArrayEquals(binaryPing, pong.payload(), "the pong carries the ping's payload (not UTF-8)");

            ws.send(RawFrame.client(true, RawFrame.CONTINUATION, RawFrame.utf8("world")));
            RawFrame echo = ws.read(WAIT);
            assertEquals(RawFrame.TEXT, echo.opcode(), "the echo is text: " + echo);
            assertTrue(echo.fin(), "a fragmented message comes back whole (one frame): " + echo);
            assertEquals(0, echo.rsv(), "no RSV bits without extensions");
            assertEquals("Hello, fragmented world", echo.text());
        }
    }

    @AllModels
    void fragmentedBinaryComesBackWhole(String model) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            byte[] whole = new byte[3000];
            new Random(7).nextBytes(whole);
            ws.send(RawFrame.client(false, RawFrame.BINARY, java.util.Arrays.copyOfRange(whole, 0, 1)),
                    RawFrame.client(false, RawFrame.CONTINUATION, new byte[0]),
                    RawFrame.client(false, RawFrame.CONTINUATION, java.util.Arrays.copyOfRange(whole, 1, 2000)),
                    RawFrame.client(true, RawFrame.PING, new byte[0]),
                    RawFrame.client(true, RawFrame.CONTINUATION, java.util.Arrays.copyOfRange(whole, 2000, 3000)));
            RawFrame pong = ws.read(WAIT);
            assertEquals(RawFrame.PONG, pong.opcode(), "pong first: " + pong);
            assertEquals(0, pong.payload().length, "empty ping, empty pong");
            RawFrame echo = ws.read(WAIT);
            assertEquals(RawFrame.BINARY, echo.opcode(), "the echo is binary: " + echo);
            assertTrue(echo.fin(), "a fragmented message comes back whole: " + echo);
            assertArrayEquals(whole, echo.payload());
        }
    }

    @AllModels
    void characterSplitAcrossFragmentsIsValid(String model) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            byte[] euro = RawFrame.utf8("\u20ac"); // E2 82 AC
            byte[] clef = RawFrame.utf8("\ud834\udd1e"); // F0 9D 84 9E
            ws.send(RawFrame.client(false, RawFrame.TEXT, new byte[] {'a', euro[0], euro[1]}));
            ws.send(RawFrame.client(true, RawFrame.PING, RawFrame.utf8("mid")));
            RawFrame pong = ws.read(WAIT); // the incomplete character is not an error yet
            assertEquals(RawFrame.PONG, pong.opcode(), "an unfinished character is not invalid UTF-8: " + pong);
            ws.send(RawFrame.client(false, RawFrame.CONTINUATION, new byte[] {euro[2], clef[0]}),
                    RawFrame.client(false, RawFrame.CONTINUATION, new byte[] {clef[1], clef[2]}),
                    RawFrame.client(true, RawFrame.CONTINUATION, new byte[] {clef[3], 'z'}));
            RawFrame echo = ws.read(WAIT);
            assertEquals(RawFrame.TEXT, echo.opcode(), "echo: " + echo);
            assertEquals("a\u20ac\ud834\udd1ez", echo.text());
        }
    }

    @AllModels
    void fragmentedMessageOverTheLimitIsClosedWith1009(String model) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            ws.send(RawFrame.client(false, RawFrame.BINARY, new byte[40000]),
                    RawFrame.client(true, RawFrame.CONTINUATION, new byte[25537]));
            ws.expectClose(1009, WAIT);
        }
    }

    @AllModels
    void pingIsAnsweredWithTheSamePayload(String model) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            byte[] largest = new byte[125];
            java.util.Arrays.fill(largest, (byte) 7);
            for (byte[] payload : List.of(new byte[0], RawFrame.utf8("abc"), largest)) {
                ws.send(RawFrame.client(true, RawFrame.PING, payload));
                RawFrame pong = ws.read(WAIT);
                assertEquals(RawFrame.PONG, pong.opcode(), "pong: " + pong);
                assertArrayEquals(payload, pong.payload(), "pong payload");
            }
            // An unsolicited pong is allowed and ignored; the connection goes on.
            ws.send(RawFrame.client(true, RawFrame.PONG, RawFrame.utf8("unsolicited")), RawFrame.text("after pong"));
            RawFrame echo = ws.read(WAIT);
            assertEquals("after pong", echo.text(), "echo after an unsolicited pong: " + echo);
        }
    }

    @ParameterizedTest(name = "{0}: close {1}")
    @Tag("peers")
    @MethodSource("allModelsAndCloseCodes")
    void clientCloseIsEchoedWithItsCode(String model, int code) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            ws.send(RawFrame.close(code, "bye \u00e9"));
            List<RawFrame> before = new ArrayList<>();
            RawFrame close = ws.readUntilClose(WAIT, before);
            assertTrue(before.isEmpty(), "frames before the close: " + before);
            assertEquals(code, close.closeCode(), "the server's close echoes the client's code");
            assertTrue(ws.endsWithin(Duration.ofSeconds(5)), "server closes TCP after the close handshake");
        }
    }

    @AllModels
    void emptyCloseIsAnswered(String model) {
        try (TestServer server = TestServer.start(model);
             RawWebSocket ws = RawWebSocket.connect(server, "/ws")) {
            ws.send(RawFrame.client(true, RawFrame.CLOSE, new byte[0]));
            RawFrame close = ws.readUntilClose(WAIT, null);
            assertTrue(close.payload().length == 0 || close.closeCode() == 1000,
                    "a close without a code is answered with an empty close or 1000: " + close);
            assertTrue(ws.endsWithin(Duration.ofSeconds(5)), "server closes TCP after the close handshake");
        }
    }

    static String asciiText(int size) {
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            text.append((char) ('a' + i % 26));
        }
        return text.toString();
    }

    private static void assertSameText(String expected, String actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": echo differs: sent " + expected.getBytes(StandardCharsets.UTF_8).length
                    + " bytes, got " + actual.getBytes(StandardCharsets.UTF_8).length + " bytes: " + Json.abbreviate(actual));
        }
    }
}
