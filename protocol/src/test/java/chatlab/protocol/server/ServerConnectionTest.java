package chatlab.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.client.ClientWebSocket;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerConnection} with no socket and no thread: bytes fed in through {@code onRead}, the
 * answer read back from its {@link OutboundQueue}. The client is the protocol module's own
 * {@link ClientWebSocket}, fed the server's bytes the same way, or raw bytes for what a correct
 * client never sends.
 */
class ServerConnectionTest {

    /** The model's side of a connection: records what the connection asks of it. */
    private static final class Transport implements ServerConnection.Transport {
        int ready;
        final List<Duration> closing = new ArrayList<>();

        @Override public void outboundReady() { ready++; }
        @Override public void closing(Duration grace) { closing.add(grace); }
        @Override public void pollReady() { }
    }

    private final ServerContext context = ServerContext.create("evented", ServerConfig.defaults().withMaxMessageBytes(1024));

    private static byte[] drain(ServerConnection connection) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] frame;
        while ((frame = connection.outbound().poll()) != null) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    /** A client and a server connection wired to each other by hand. */
    private final class Pair implements ClientWebSocket.Listener {
        final Transport transport = new Transport();
        final ServerConnection server = new ServerConnection(context, transport, LabRunner.INLINE);
        final List<String> received = new ArrayList<>();
        final List<String> closes = new ArrayList<>();
        final ClientWebSocket client;

        Pair(String path) {
            client = new ClientWebSocket("127.0.0.1", 80, path, 1 << 16, new SecureRandom(), this::toServer, this);
            client.start();
            toClient();
        }

        private void toServer(byte[] bytes) { server.onRead(ByteBuffer.wrap(bytes)); }

        void toClient() {
            try {
                client.onRead(ByteBuffer.wrap(drain(server)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override public void onOpen() { }
        @Override public void onMessage(int opcode, byte[] payload) { received.add(new String(payload, StandardCharsets.UTF_8)); }
        @Override public void onClose(int code, String reason, boolean remote) { closes.add(code + " " + reason); }
    }

    @Test
    void aChatRoundTripsAsBytes() {
        Pair alice = new Pair("/ws");
        assertEquals(ClientWebSocket.State.OPEN, alice.client.state());
        assertTrue(alice.server.isWebSocket());
        assertEquals(1, context.stats().connections());

        alice.client.sendText("{\"type\":\"join\",\"room\":\"lobby\",\"name\":\"alice\"}");
        alice.client.sendText("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"id\":\"c-1\"}");
        alice.toClient();
        assertEquals(2, alice.received.size(), alice.received.toString());
        assertTrue(alice.received.get(0).contains("\"type\":\"joined\""), alice.received.get(0));
        assertTrue(alice.received.get(1).contains("\"type\":\"message\"") && alice.received.get(1).contains("\"id\":\"c-1\""));

        alice.server.onGone();
        assertEquals(0, context.stats().connections(), "a gone connection is no longer counted");
    }

    @Test
    void aFanOutReachesTheOtherMembersQueue() {
        Pair alice = new Pair("/ws");
        Pair bob = new Pair("/ws");
        alice.client.sendText("{\"type\":\"join\",\"room\":\"r\",\"name\":\"alice\"}");
        bob.client.sendText("{\"type\":\"join\",\"room\":\"r\",\"name\":\"bob\"}");
        int readyBefore = bob.transport.ready;
        alice.client.sendText("{\"type\":\"say\",\"room\":\"r\",\"text\":\"to all\",\"id\":\"a-1\"}");
        assertTrue(bob.transport.ready > readyBefore || !bob.server.outbound().isEmpty(), "bob's model is told it has bytes");
        bob.toClient();
        assertTrue(bob.received.stream().anyMatch(m -> m.contains("\"text\":\"to all\"")), bob.received.toString());
    }

    @Test
    void echoComesBackInTheSameOpcode() {
        Pair pair = new Pair("/echo");
        pair.client.sendText("ping?");
        pair.toClient();
        assertEquals(List.of("ping?"), pair.received);
    }

    @Test
    void anUnmaskedFrameIsClosedWith1002AndCounted() {
        Pair pair = new Pair("/ws");
        pair.server.onRead(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.TEXT, "{}".getBytes(StandardCharsets.UTF_8))));
        pair.toClient();
        assertEquals(List.of(CloseCode.PROTOCOL_ERROR + " client frames MUST be masked"), pair.closes);
        assertEquals(1, context.stats().protocolCloses());
        assertEquals(List.of(ServerConnection.CLOSE_GRACE), pair.transport.closing);
    }

    @Test
    void aMessageOverTheLimitIsClosedWith1009() {
        Pair pair = new Pair("/ws");
        pair.client.sendText("x".repeat(2000));
        pair.toClient();
        assertEquals(1, pair.closes.size());
        assertTrue(pair.closes.get(0).startsWith(CloseCode.MESSAGE_TOO_BIG + " "), pair.closes.toString());
    }

    @Test
    void aRequestHeadSplitIntoSingleBytesIsAnswered() {
        Transport transport = new Transport();
        ServerConnection connection = new ServerConnection(context, transport, LabRunner.INLINE);
        for (byte b : "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
            connection.onRead(ByteBuffer.wrap(new byte[] {b}));
        }
        String answer = new String(drain(connection), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
        assertTrue(connection.outbound().isClosing(), "asked to close: the answer is the last thing on the connection");
        assertEquals(1, context.stats().httpRejects());
    }

    @Test
    void statsWithGcAddsTheLiveHeap() {
        assertFalse(get("/stats").contains("heapLiveBytes"), "only after a requested full GC");
        String body = get("/stats?gc=1");
        assertTrue(body.contains("\"heapLiveBytes\":"), body);
        assertTrue(body.contains("\"gcPauseMillis\":") && body.contains("\"ctxVoluntary\":") && body.contains("\"cpuMillis\":"), body);
    }

    private String get(String target) {
        ServerConnection connection = new ServerConnection(context, new Transport(), LabRunner.INLINE);
        connection.onRead(ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
        String answer = new String(drain(connection), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
