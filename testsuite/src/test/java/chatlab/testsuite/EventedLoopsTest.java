package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code evented --loops 2}: the conformance cases in which connections meet (chat, presence,
 * seq, rooms, history, many senders, a slow consumer, the HTTP transports, closing) run again with
 * two selector loops. The acceptor deals consecutive connections to alternate loops, so in every
 * one of these cases the members of a room sit on both loops and each message crosses from one to
 * the other. Then what only several loops have: {@code /stats} says how many, and how many
 * connections each holds.
 *
 * <p>The whole suite runs over more loops with {@code -Dchatlab.evented.loops=N} (see
 * {@link TestServer}); this class runs in every build.
 */
@Tag("core")
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventedLoopsTest {

    static final String EVENTED = "evented";
    static final int LOOPS = 2;

    @BeforeEach
    void twoLoops() {
        TestServer.eventedLoops(LOOPS);
    }

    @AfterEach
    void asConfigured() {
        TestServer.eventedLoops(TestServer.configuredEventedLoops());
    }

    @Test
    void joinSayLeaveAndPresence() {
        new ChatTest().joinSayLeaveAndPresence(EVENTED);
    }

    @Test
    void seqCountsFromOneWithoutGapsForEveryMember() throws Exception {
        new ChatTest().seqCountsFromOneWithoutGapsForEveryMember(EVENTED);
    }

    @Test
    void roomsAreIsolated() {
        new ChatTest().roomsAreIsolated(EVENTED);
    }

    @Test
    void closingLeavesEveryRoom() {
        new ChatTest().closingLeavesEveryRoom(EVENTED);
    }

    @Test
    void droppedConnectionLeavesItsRooms() throws Exception {
        new ChatTest().droppedConnectionLeavesItsRooms(EVENTED);
    }

    @Test
    void labAnswersFromWorkersReachTheirConnection() {
        new ChatTest().labMessagesAreServedWhenLabIsOn(EVENTED);
    }

    @Test
    void joinAfterResendsWhatFollowsN() {
        new HistoryTest().joinAfterResendsWhatFollowsN(EVENTED);
    }

    @Test
    void everyoneGetsEveryMessageInOrder() throws Exception {
        new ConcurrencyTest().everyoneGetsEveryMessageInOrder(EVENTED);
    }

    @Test
    void protocolCloseOfOneMemberLeavesTheRoomWorking() {
        new IsolationTest().protocolCloseOfOneMemberLeavesTheRoomWorking(EVENTED);
    }

    @Test
    void nonReaderIsClosedWith1008WhileOthersGetEverything() throws Exception {
        new SlowConsumerTest().nonReaderIsClosedWith1008WhileOthersGetEverything(EVENTED);
    }

    @Test
    void messagesCrossBetweenHttpAndWebSocketBothWays() {
        new HttpTransportTest().messagesCrossBetweenHttpAndWebSocketBothWays(EVENTED);
    }

    @Test
    void aLongPollIsHeldUntilAMessageArrives() throws Exception {
        new HttpTransportTest().aLongPollIsHeldUntilAMessageArrives(EVENTED);
    }

    /** Connections are dealt out in turn: after four WebSockets and the /stats request, each loop holds at least two. */
    @Test
    void statsSaysHowManyLoopsAndWhatEachHolds() {
        List<WsClient> clients = new ArrayList<>();
        try (TestServer server = TestServer.start(EVENTED)) {
            for (int i = 0; i < 4; i++) {
                WsClient client = WsClient.connect(i % 2 == 0 ? WsClient.Kind.JAVA_WEBSOCKET : WsClient.Kind.JETTY, server.ws("/ws"));
                clients.add(client);
                client.send(Json.join("spread", "member" + i));
                client.expect("joined");
            }
            JsonNode stats = server.statsJson();
            assertEquals(LOOPS, stats.path("loops").asInt(), "/stats loops: " + stats);
            JsonNode perLoop = stats.path("loopConnections");
            assertEquals(LOOPS, perLoop.size(), "/stats loopConnections: " + stats);
            long held = 0;
            for (JsonNode n : perLoop) {
                assertTrue(n.asInt() >= 2, "every loop holds two of the four WebSockets: " + stats);
                held += n.asLong();
            }
            assertEquals(5, held, "four WebSockets and the connection asking for /stats: " + stats);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /** One loop stays the default: {@code /stats} says 1, and it holds every connection. */
    @Test
    void oneLoopByDefault() {
        TestServer.eventedLoops(0);
        try (TestServer server = TestServer.start(EVENTED, ServerConfig.defaults());
             WsClient client = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"))) {
            client.send(Json.join("alone", "ada"));
            client.expect("joined");
            JsonNode stats = server.statsJson();
            assertEquals(1, stats.path("loops").asInt(), "/stats loops: " + stats);
            assertEquals(2, stats.path("loopConnections").path(0).asInt(), "the WebSocket and the /stats request: " + stats);
        }
    }
}
