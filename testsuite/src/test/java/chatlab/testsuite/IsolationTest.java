package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/** "Bad input on one connection never affects another connection." */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IsolationTest {

    @CoreModels
    void protocolCloseOfOneMemberLeavesTheRoomWorking(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient bob = WsClient.connect(WsClient.Kind.JETTY, server.ws("/ws"));
             RawWebSocket mallory = RawWebSocket.connect(server, "/ws")) {
            alice.send(Json.join("iso", "alice"));
            alice.expect("joined");
            bob.send(Json.join("iso", "bob"));
            bob.expect("joined");
            alice.expect("presence");
            mallory.sendText(Json.join("iso", "mallory"));
            assertEquals("joined", Json.parse(mallory.read(WsClient.WAIT).text()).path("type").asText());
            alice.expect("presence");
            bob.expect("presence");

            for (int i = 1; i <= 10; i++) {
                alice.send(Json.say("iso", "before " + i, "b" + i));
            }
            // Mid-traffic, mallory sends an unmasked frame.
            mallory.send(RawFrame.encode(true, 0, RawFrame.TEXT, RawFrame.utf8("{\"type\":\"say\"}"), false));
            List<RawFrame> before = new ArrayList<>();
            RawFrame close = mallory.readUntilClose(Duration.ofSeconds(5), before);
            assertEquals(1002, close.closeCode(), "mallory's close: " + close);
            mallory.answerCloseAndExpectEnd(close, Duration.ofSeconds(5));

            for (int i = 11; i <= 20; i++) {
                alice.send(Json.say("iso", "after " + i, "a" + i));
            }
            for (WsClient member : List.of(alice, bob)) {
                boolean sawLeave = false;
                for (long seq = 1; seq <= 20; ) {
                    JsonNode json = member.nextJson();
                    if ("presence".equals(json.path("type").asText())) {
                        assertEquals("mallory", json.path("name").asText(), member + ": " + json);
                        assertEquals("leave", json.path("event").asText(), member + ": " + json);
                        sawLeave = true;
                        continue;
                    }
                    assertEquals(seq++, json.path("seq").asLong(), member + " keeps receiving in order: " + json);
                }
                if (!sawLeave) {
                    JsonNode presence = member.expect("presence");
                    assertEquals("leave", presence.path("event").asText(), member + ": " + presence);
                }
                assertFalse(member.isClosed(), member + " is still open");
            }
            server.awaitCounter("protocolCloses", StatsSnapshot::protocolCloses, 1, Duration.ofSeconds(5));
            assertEquals(1, server.stats().protocolCloses(), "exactly one connection was closed for bad input");
        }
    }

    @CoreModels
    void badHandshakesAndBadFramesDoNotDisturbAnOpenConnection(String model) throws Exception {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(WsClient.Kind.JETTY, server.ws("/echo"))) {
            for (int round = 0; round < 5; round++) {
                try {
                    RawHttp.exchange(server.address, "GARBAGE\r\n\r\n", Duration.ofSeconds(5));
                } catch (java.io.IOException e) {
                    // a 400 or a plain close are both fine answers to garbage
                }
                try (RawWebSocket bad = RawWebSocket.connect(server, "/echo")) {
                    bad.send(RawFrame.client(true, 0x3, new byte[0]));
                    bad.expectClose(1002, Duration.ofSeconds(5));
                }
                alice.sendText("round " + round);
                assertEquals("round " + round, alice.nextText());
            }
            assertFalse(alice.isClosed());
        }
    }
}
