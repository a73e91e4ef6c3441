package chatlab.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generator's clients of every transport against in-process servers: that each delivers every
 * message once and misses what a server drops, that what they count (bytes at the socket and by
 * part, requests per delivery) is what went over the wire, and that a short poll's latency holds
 * the wait for the next poll. No assertion on how fast anything is.
 */
class TransportClientsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConnectPlan plan(int port, Transport transport, long pollIntervalMillis, int count, int roomSize) {
        return new ConnectPlan("127.0.0.1", port, transport, pollIntervalMillis, count, 0, roomSize, null, 20, 10_000, 20_000, 5);
    }

    private static JsonNode stats(InetSocketAddress address) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                    + "/stats")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        }
    }

    /**
     * Every transport's clients receive every message of their room once, with the server's answers
     * cut to a quarter of a 1 KiB outbound bound: polls come back with part of what is waiting and
     * go on from their {@code last}, and a replay over the limit ends an event stream, which resumes
     * from its {@code Last-Event-ID}.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SHORT_POLL", "LONG_POLL", "SSE", "WEBSOCKET"})
    void everyTransportDeliversEveryMessageOnce(Transport transport) throws Exception {
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults().withOutboundBoundBytes(1024));
             LoadGenerator generator = new LoadGenerator("test-" + transport.id())) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            ConnectResult connected = generator.connect(plan(address.getPort(), transport, 100, 10, 5));
            assertEquals(10, connected.opened(), () -> "first failure: " + connected.firstFailure());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 5, 200, 1_000, 16, 10_000, 1));

            assertEquals(0, result.totalErrors(), result::describeFaults);
            assertTrue(result.sent() >= 40, "10 clients at 5/s for 1.2 s sent " + result.sent());
            assertEquals(result.sent() * 5, result.delivered(), "every member, the sender included, got each message once");
            if (transport.http()) {
                assertTrue(result.traffic().sendRequests() > 0, "each say is a POST /send: " + result.traffic());
            } else {
                assertEquals(0, result.traffic().requests(), "a WebSocket makes no HTTP request after its handshake");
            }
        }
    }

    /**
     * The bytes a client counts are the bytes a proxy in front of the server forwarded, each way,
     * and the parts (setup, receiving, sending) add up to them; the requests it counts are those
     * the server read. Long polls, streams and WebSockets are quiet once the load is over (the
     * last polls held), so the two sides must meet exactly then. Short polls go on: they are
     * compared once the clients are closed, when a poll's answer may be on its way to a client
     * that will never read it, so the downstream count may fall short by at most one answer each.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SHORT_POLL", "LONG_POLL", "SSE", "WEBSOCKET"})
    void bytesAndRequestsAreWhatWentOverTheWire(Transport transport) throws Exception {
        int clients = 4;
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults());
             LoadGenerator generator = new LoadGenerator("test-bytes-" + transport.id())) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            long requestsBefore = stats(address).path("httpRequests").asLong();
            try (CountingProxy proxy = new CountingProxy(address)) {
                assertEquals(clients, generator.connect(plan(proxy.port(), transport, 200, clients, clients)).opened());
                LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 4, 0, 800, 32, 10_000, 1));
                assertEquals(0, result.totalErrors(), result::describeFaults);

                if (transport == Transport.SHORT_POLL) {
                    generator.closeAll();
                    Traffic counted = generator.trafficNow();
                    proxy.awaitQuiet(10_000);
                    assertEquals(proxy.up(), counted.socketUp(), "bytes written, as the proxy forwarded them");
                    assertEquals(counted.socketUp(), counted.setupUp() + counted.receiveUp() + counted.sendUp(), counted::toString);
                    long missing = proxy.down() - counted.socketDown();
                    assertTrue(missing >= 0 && missing < clients * 1024, "at most an answer per client on its way at the close: " + missing);
                    return;
                }
                Traffic counted = generator.trafficNow();
                assertTrue(proxy.awaitCounts(counted.socketUp(), counted.socketDown(), 10_000),
                        () -> "the proxy forwarded " + proxy.up() + " up and " + proxy.down() + " down; the clients counted " + counted);
                assertEquals(counted.socketUp(), counted.setupUp() + counted.receiveUp() + counted.sendUp(), counted::toString);
                assertEquals(counted.socketDown(), counted.setupDown() + counted.receiveDown() + counted.sendDown(), counted::toString);
                long requestsRead = stats(address).path("httpRequests").asLong() - requestsBefore - 1; // the /stats just read
                assertTrue(requestsRead <= counted.requests() && counted.requests() - requestsRead <= clients,
                        "the server read every request counted but the last polls, which may still be on their way: "
                                + counted.requests() + " counted, " + requestsRead + " read");
            }
        }
    }

    /**
     * A known exchange: one sender in a room of two, one message a second. Each is a
     * {@code POST /send}; with long polling each delivery answers one held poll, which is asked
     * again at once, so receiving costs exactly one request per delivery; an event stream and a
     * WebSocket need none. Setup is the session, its join and the first poll or stream (three
     * requests), or the WebSocket's handshake (one).
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"LONG_POLL", "SSE", "WEBSOCKET"})
    void requestsPerDeliveryOnAKnownExchange(Transport transport) throws Exception {
        try (ChatServer server = ChatServers.create("threaded-virtual", ServerConfig.defaults());
             LoadGenerator generator = new LoadGenerator("test-known-" + transport.id())) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            ConnectResult connected = generator.connect(plan(address.getPort(), transport, 0, 2, 2));
            assertEquals(2, connected.opened());
            assertEquals(transport.http() ? 6 : 2, connected.traffic().setupRequests(), connected.traffic()::toString);

            Traffic before = generator.trafficNow();
            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 2, 1, 0, 2_000, 16, 10_000, 1));
            Traffic spent = generator.trafficNow().since(before);

            assertEquals(0, result.totalErrors(), result::describeFaults);
            assertEquals(2, result.sent(), "u0 says something once a second for 2 s");
            assertEquals(4, result.delivered());
            assertEquals(0, spent.setupRequests());
            assertEquals(transport.http() ? result.sent() : 0, spent.sendRequests(), spent::toString);
            assertEquals(transport == Transport.LONG_POLL ? result.delivered() : 0, spent.receiveRequests(), spent::toString);
        }
    }

    /**
     * Short polling every 400 ms: a message waits on the server until its recipient's next poll,
     * on average half an interval, and the latency measured from the intended send time shows it.
     * (Lower bounds only: a busy machine can only add to them.)
     */
    @Test
    void aShortPollsLatencyHoldsTheWaitForTheNextPoll() throws Exception {
        long interval = 400;
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults());
             LoadGenerator generator = new LoadGenerator("test-short-latency")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(8, generator.connect(plan(address.getPort(), Transport.SHORT_POLL, interval, 8, 4)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 2, 0, 2_000, 16, 10_000, 1));

            assertEquals(0, result.totalErrors(), result::describeFaults);
            Histogram latency = result.histogram();
            assertTrue(latency.getTotalCount() >= 100, "deliveries timed: " + latency.getTotalCount());
            assertTrue(latency.getMean() >= interval * 1000 / 4.0, "mean " + latency.getMean() + " us: a quarter interval at least");
            assertTrue(latency.getMaxValue() >= interval * 1000 / 2, "some waited half an interval or more: " + latency.getMaxValue() + " us");
            assertTrue(result.traffic().receiveRequests() > result.traffic().sendRequests(),
                    "polls outnumber sends at 2.5 polls a second per client against 2 says: " + result.traffic());
        }
    }

    /** A server that drops every third room message: each drop is missed by every member, whatever the transport. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SHORT_POLL", "LONG_POLL", "SSE"})
    void droppedMessagesAreCountedLost(Transport transport) throws Exception {
        int members = 4;
        try (ChatServer server = ChatServers.create("threaded-platform",
                     ServerConfig.defaults().withFaults(new ServerConfig.Faults(0, 3)));
             LoadGenerator generator = new LoadGenerator("test-drop-" + transport.id())) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(members, generator.connect(plan(address.getPort(), transport, 100, members, members)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 10, 0, 600, 16, 1_500, 1));

            assertTrue(result.sent() >= 12, "sent " + result.sent());
            assertEquals(result.sent() / 3 * members, result.lost(), "each dropped message is missed by every member");
            assertEquals(result.lost(), result.totalErrors(), result::describeFaults);
        }
    }

    /**
     * The server closes an idle persistent connection after its keep-alive timeout (here 300 ms);
     * the client opens a new one for its next request, as a browser does, and loses nothing.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"LONG_POLL", "SSE"})
    void aRequestConnectionClosedWhileIdleIsOpenedAgain(Transport transport) throws Exception {
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults().withKeepAliveTimeout(Duration.ofMillis(300)));
             LoadGenerator generator = new LoadGenerator("test-reopen-" + transport.id())) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(4, generator.connect(plan(address.getPort(), transport, 0, 4, 4)).opened());

            // Each client says something every 1.5 s: its send connection idles past the timeout between two.
            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 1 / 1.5, 0, 3_000, 16, 10_000, 1));

            assertEquals(0, result.totalErrors(), result::describeFaults);
            assertTrue(result.sent() >= 8, "sent " + result.sent());
            assertTrue(stats(address).path("idleCloses").asLong() >= 4, "the server closed idle send connections");
        }
    }
}
