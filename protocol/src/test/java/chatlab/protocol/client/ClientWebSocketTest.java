package chatlab.protocol.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.http.Handshake;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client role fed bytes and read back, no sockets: the server's side of each exchange is
 * played by chatlab's server-side pieces ({@link Handshake}, {@link FrameDecoder} in its server
 * role, {@link FrameEncoder}'s unmasked frames), so every byte the client writes is checked the way
 * a server checks it.
 */
class ClientWebSocketTest {

    /** Records what the client reports and writes. */
    private static final class Peer implements ClientWebSocket.Listener, ClientWebSocket.Output {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        final List<byte[]> messages = new ArrayList<>();

        @Override public void write(byte[] bytes) { written.writeBytes(bytes); }
        @Override public void onOpen() { events.add("open"); }
        @Override public void onMessage(int opcode, byte[] payload) { events.add("message " + opcode); messages.add(payload); }
        @Override public void onPong(byte[] payload) { events.add("pong " + new String(payload, StandardCharsets.UTF_8)); }
        @Override public void onClose(int code, String reason, boolean remote) { events.add("close " + code + " " + reason + " " + remote); }

        /** What the client wrote since last asked, taken away. */
        byte[] take() {
            byte[] bytes = written.toByteArray();
            written.reset();
            return bytes;
        }
    }

    /** What a server makes of the client's frames. */
    private static final class ServerSide implements FrameDecoder.Listener {
        final FrameDecoder decoder = new FrameDecoder(FrameDecoder.Role.SERVER, 1 << 20);
        final List<String> frames = new ArrayList<>();

        List<String> decode(byte[] bytes) throws WebSocketException {
            frames.clear();
            decoder.decode(ByteBuffer.wrap(bytes), this);
            return frames;
        }

        @Override public void onMessage(int opcode, byte[] payload) { frames.add(opcode + ":" + new String(payload, StandardCharsets.UTF_8)); }
        @Override public void onPing(byte[] payload) { frames.add("ping:" + new String(payload, StandardCharsets.UTF_8)); }
        @Override public void onPong(byte[] payload) { frames.add("pong:" + new String(payload, StandardCharsets.UTF_8)); }
        @Override public void onClose(int code, String reason) { frames.add("close:" + code + ":" + reason); }
    }

    private final Peer peer = new Peer();
    private final ClientWebSocket client = new ClientWebSocket("127.0.0.1", 8080, "/ws", 1 << 20, new SecureRandom(), peer, peer);
    private final ServerSide server = new ServerSide();

    /** The request the client wrote, as the server's parser reads it. */
    private RequestHead sentRequest() throws Exception {
        RequestHead head = new RequestHeadParser().feed(ByteBuffer.wrap(peer.take()));
        assertTrue(head != null, "a whole request head");
        return head;
    }

    private void open() throws Exception {
        client.start();
        byte[] response = Handshake.accept(sentRequest());
        client.onRead(ByteBuffer.wrap(response));
        assertEquals(ClientWebSocket.State.OPEN, client.state());
    }

    @Test
    void theRequestIsAnUpgradeTheServerAcceptsWithAFreshKey() throws Exception {
        client.start();
        RequestHead head = sentRequest();
        assertEquals("GET", head.method());
        assertEquals("/ws", head.target());
        assertEquals("127.0.0.1:8080", head.header("host"));
        Handshake.accept(head); // throws if any field is missing or wrong

        Peer other = new Peer();
        new ClientWebSocket("127.0.0.1", 8080, "/ws", 1024, new SecureRandom(), other, other).start();
        RequestHead second = new RequestHeadParser().feed(ByteBuffer.wrap(other.take()));
        assertFalse(head.header("sec-websocket-key").equals(second.header("sec-websocket-key")), "each connection draws its own key");
    }

    @Test
    void theHandshakeAndTheFirstFramesMaySplitAnywhere() throws Exception {
        client.start();
        byte[] response = Handshake.accept(sentRequest());
        byte[] frame = FrameEncoder.serverText("{\"type\":\"joined\"}");
        ByteBuffer all = ByteBuffer.allocate(response.length + frame.length).put(response).put(frame).flip();
        while (all.hasRemaining()) client.onRead(ByteBuffer.wrap(new byte[] {all.get()}));
        assertEquals(List.of("open", "message 1"), peer.events);
        assertEquals("{\"type\":\"joined\"}", new String(peer.messages.get(0), StandardCharsets.UTF_8));

        // A 101 and a frame in one read: the frame is not lost behind the head.
        Peer second = new Peer();
        ClientWebSocket other = new ClientWebSocket("127.0.0.1", 8080, "/echo", 1024, new SecureRandom(), second, second);
        other.start();
        byte[] accepted = Handshake.accept(new RequestHeadParser().feed(ByteBuffer.wrap(second.take())));
        other.onRead(ByteBuffer.allocate(accepted.length + frame.length).put(accepted).put(frame).flip());
        assertEquals(List.of("open", "message 1"), second.events);
    }

    @Test
    void aWrongAcceptKeyIsRefused() throws Exception {
        client.start();
        sentRequest();
        byte[] forged = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ==") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        HandshakeException e = assertThrows(HandshakeException.class, () -> client.onRead(ByteBuffer.wrap(forged)));
        assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
        assertEquals(ClientWebSocket.State.CLOSED, client.state());
        assertFalse(client.sendText("after"), "nothing is sent on a refused connection");
    }

    @Test
    void aRefusalKeepsItsStatusAndAMissingUpgradeHeaderFails() throws Exception {
        client.start();
        HandshakeException refused = assertThrows(HandshakeException.class, () -> client.onRead(ByteBuffer.wrap(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(404, refused.status());

        Peer second = new Peer();
        ClientWebSocket other = new ClientWebSocket("127.0.0.1", 8080, "/ws", 1024, new SecureRandom(), second, second);
        other.start();
        RequestHead head = new RequestHeadParser().feed(ByteBuffer.wrap(second.take()));
        String withoutUpgrade = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Handshake.acceptKey(head.header("sec-websocket-key")) + "\r\n\r\n";
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> other.onRead(ByteBuffer.wrap(withoutUpgrade.getBytes(StandardCharsets.US_ASCII))));
        assertTrue(e.getMessage().contains("Upgrade"), e.getMessage());
    }

    @Test
    void everyClientFrameIsMaskedAndReadsBackUnchanged() throws Exception {
        open();
        assertTrue(client.sendText("hello ☃"));
        assertTrue(client.sendBinary(new byte[] {1, 2, 3}));
        byte[] wire = peer.take();
        assertEquals(0x80, wire[1] & 0x80, "MASK bit set");
        // The server-role decoder refuses unmasked frames, so decoding at all proves each one was masked.
        assertEquals(List.of("1:hello ☃", "2:\u0001\u0002\u0003"), server.decode(wire));
    }

    @Test
    void aPingIsAnsweredWithItsPayload() throws Exception {
        open();
        client.onRead(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.PING, "beat".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("pong:beat"), server.decode(peer.take()));
        client.ping("are you there".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("ping:are you there"), server.decode(peer.take()));
        client.onRead(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.PONG, "are you there".getBytes(StandardCharsets.UTF_8))));
        assertEquals("pong are you there", peer.events.get(peer.events.size() - 1));
    }

    @Test
    void theServersCloseIsEchoedAndEndsTheConnection() throws Exception {
        open();
        client.onRead(ByteBuffer.wrap(FrameEncoder.serverClose(CloseCode.POLICY_VIOLATION, "slow")));
        assertEquals(List.of("close:1008:"), server.decode(peer.take()), "the client echoes the code");
        assertEquals("close 1008 slow true", peer.events.get(peer.events.size() - 1));
        assertEquals(ClientWebSocket.State.CLOSED, client.state());
        client.onEndOfInput();
        assertEquals(1, peer.events.stream().filter(e -> e.startsWith("close")).count(), "closed once");
    }

    @Test
    void theClientsCloseWaitsForTheServersAnswer() throws Exception {
        open();
        client.close(CloseCode.NORMAL, "bye");
        assertEquals(List.of("close:1000:bye"), server.decode(peer.take()));
        assertEquals(ClientWebSocket.State.CLOSING, client.state());
        assertFalse(client.sendText("late"), "nothing after our close frame");
        client.onRead(ByteBuffer.wrap(FrameEncoder.serverClose(CloseCode.NORMAL, "")));
        assertEquals(0, peer.take().length, "the server's answer is not answered again");
        assertEquals("close 1000  false", peer.events.get(peer.events.size() - 1));
        assertEquals(ClientWebSocket.State.CLOSED, client.state());
    }

    @Test
    void anEndWithoutACloseFrameIsAbnormal() throws Exception {
        open();
        client.onEndOfInput();
        assertEquals("close 1006 connection closed without a close frame true", peer.events.get(peer.events.size() - 1));
    }

    @Test
    void aMaskedServerFrameFailsTheConnectionWithItsCloseCode() throws Exception {
        open();
        byte[] masked = FrameEncoder.clientFrame(Opcode.TEXT, true, "x".getBytes(StandardCharsets.UTF_8), new SecureRandom());
        WebSocketException e = assertThrows(WebSocketException.class, () -> client.onRead(ByteBuffer.wrap(masked)));
        assertEquals(CloseCode.PROTOCOL_ERROR, e.closeCode());
        List<String> said = server.decode(peer.take());
        assertEquals(1, said.size());
        assertTrue(said.get(0).startsWith("close:1002:"), said.toString());
        assertEquals(ClientWebSocket.State.CLOSED, client.state());
    }

    @Test
    void fragmentsArriveAsOneMessage() throws Exception {
        open();
        client.onRead(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.TEXT, false, "hel".getBytes(StandardCharsets.UTF_8))));
        client.onRead(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.CONTINUATION, true, "lo".getBytes(StandardCharsets.UTF_8))));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), peer.messages.get(0));
    }
}
