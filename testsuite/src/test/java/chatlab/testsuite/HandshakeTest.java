package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The opening handshake (PROTOCOL.md "WebSocket rules", first paragraph), good and bad, sent as
 * raw bytes because a real client would refuse to send the bad ones.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeTest {

    /**
     * One request: a request line, an edit of the valid upgrade fields, the statuses allowed and,
     * for a 400, the field name the plain-text body must mention.
     */
    record Case(String name, String requestLine, Consumer<LinkedHashMap<String, String>> edit,
                Set<Integer> statuses, String named) {
        @Override public String toString() { return name; }
    }

    private static final Consumer<LinkedHashMap<String, String>> UNCHANGED = fields -> {};

    static List<Case> cases() {
        return List.of(
                new Case("valid upgrade", "GET /ws HTTP/1.1", UNCHANGED, Set.of(101), null),
                new Case("valid upgrade on /echo", "GET /echo HTTP/1.1", UNCHANGED, Set.of(101), null),
                new Case("Upgrade in another case, upgrade among other Connection tokens", "GET /ws HTTP/1.1",
                        f -> { f.put("Upgrade", "WebSocket"); f.put("Connection", "keep-alive, UPGRADE"); },
                        Set.of(101), null),
                new Case("lower-case field names", "GET /ws HTTP/1.1", f -> {
                    LinkedHashMap<String, String> lower = new LinkedHashMap<>();
                    f.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
                    f.clear();
                    f.putAll(lower);
                }, Set.of(101), null),
                new Case("head just under 8 KiB", "GET /ws HTTP/1.1",
                        f -> f.put("X-Padding", "a".repeat(7 * 1024)), Set.of(101), null),
                new Case("missing Host", "GET /ws HTTP/1.1", f -> f.remove("Host"), Set.of(400), "host"),
                new Case("missing Upgrade", "GET /ws HTTP/1.1", f -> f.remove("Upgrade"), Set.of(400), "upgrade"),
                new Case("Upgrade not websocket", "GET /ws HTTP/1.1", f -> f.put("Upgrade", "h2c"), Set.of(400), "upgrade"),
                new Case("missing Connection", "GET /ws HTTP/1.1", f -> f.remove("Connection"), Set.of(400), "connection"),
                new Case("Connection without the upgrade token", "GET /ws HTTP/1.1",
                        f -> f.put("Connection", "keep-alive"), Set.of(400), "connection"),
                new Case("missing Sec-WebSocket-Key", "GET /ws HTTP/1.1",
                        f -> f.remove("Sec-WebSocket-Key"), Set.of(400), "sec-websocket-key"),
                new Case("Sec-WebSocket-Key not base64", "GET /ws HTTP/1.1",
                        f -> f.put("Sec-WebSocket-Key", "this is not base64!!"), Set.of(400), "sec-websocket-key"),
                new Case("Sec-WebSocket-Key of 15 bytes", "GET /ws HTTP/1.1",
                        f -> f.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(new byte[15])),
                        Set.of(400), "sec-websocket-key"),
                new Case("Sec-WebSocket-Key of 17 bytes", "GET /ws HTTP/1.1",
                        f -> f.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(new byte[17])),
                        Set.of(400), "sec-websocket-key"),
                // A missing field is 400, a wrong version 426: an absent version may read as either.
                new Case("missing Sec-WebSocket-Version", "GET /ws HTTP/1.1",
                        f -> f.remove("Sec-WebSocket-Version"), Set.of(400, 426), "sec-websocket-version"),
                new Case("Sec-WebSocket-Version 8", "GET /ws HTTP/1.1",
                        f -> f.put("Sec-WebSocket-Version", "8"), Set.of(426), null),
                new Case("Sec-WebSocket-Version 14", "GET /ws HTTP/1.1",
                        f -> f.put("Sec-WebSocket-Version", "14"), Set.of(426), null),
                new Case("HTTP/1.0", "GET /ws HTTP/1.0", UNCHANGED, Set.of(400), null),
                new Case("head over 8 KiB", "GET /ws HTTP/1.1",
                        f -> f.put("X-Padding", "a".repeat(9 * 1024)), Set.of(431), null),
                new Case("POST upgrade is a wrong method", "POST /ws HTTP/1.1", UNCHANGED, Set.of(405), null),
                new Case("unknown path", "GET /no-such-path HTTP/1.1", UNCHANGED, Set.of(404), null));
    }

    static Stream<Arguments> coreModelsAndCases() {
        return Models.core().flatMap(model -> cases().stream().map(c -> Arguments.of(model, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @Tag("core")
    @MethodSource("coreModelsAndCases")
    void handshake(String model, Case c) throws IOException {
        try (TestServer server = TestServer.start(model)) {
            String key = RawHttp.newKey();
            LinkedHashMap<String, String> fields = RawHttp.upgradeFields(server.address, key);
            c.edit().accept(fields);
            RawHttp.Reply reply = RawHttp.exchange(server.address, RawHttp.head(c.requestLine(), fields),
                    Duration.ofSeconds(5));

            assertTrue(c.statuses().contains(reply.status()),
                    model + " " + c + ": expected status " + c.statuses() + ", got " + reply);
            switch (reply.status()) {
                case 101 -> {
                    assertEquals(RawHttp.acceptFor(key), reply.header("sec-websocket-accept"), "Sec-WebSocket-Accept");
                    assertNotNull(reply.header("upgrade"), "101 without Upgrade: " + reply);
                    assertEquals("websocket", reply.header("upgrade").toLowerCase(Locale.ROOT), "Upgrade");
                    assertNotNull(reply.header("connection"), "101 without Connection: " + reply);
                    assertTrue(reply.header("connection").toLowerCase(Locale.ROOT).contains("upgrade"),
                            "Connection must contain upgrade: " + reply);
                    assertEquals(null, reply.header("sec-websocket-extensions"), "no extensions are negotiated");
                }
                case 426 -> assertEquals("13", reply.header("sec-websocket-version"),
                        "426 must carry Sec-WebSocket-Version: 13; got " + reply);
                default -> {
                    if (reply.status() == 400 && c.named() != null) {
                        assertTrue(reply.bodyText().toLowerCase(Locale.ROOT).contains(c.named()),
                                "400 body must name the field '" + c.named() + "'; got " + reply);
                        assertPlainText(reply);
                    }
                    if (reply.status() == 404) {
                        assertFalse(reply.bodyText().isBlank(), "404 needs a short plain-text body: " + reply);
                        assertPlainText(reply);
                    }
                }
            }
            if (reply.status() >= 400) {
                server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, 1, Duration.ofSeconds(5));
                assertEquals(0, server.stats().connections(), "a rejected request is not a WebSocket connection");
            }
        }
    }

    private static void assertPlainText(RawHttp.Reply reply) {
        String type = reply.header("content-type");
        assertNotNull(type, "no Content-Type: " + reply);
        assertTrue(type.toLowerCase(Locale.ROOT).startsWith("text/plain"), "Content-Type text/plain expected: " + reply);
    }
}
