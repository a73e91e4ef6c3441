package chatlab.bench.load;

import chatlab.protocol.client.ClientWebSocket;
import chatlab.protocol.ws.WebSocketException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A WebSocket client of a {@link LoadGenerator}, on {@code /ws} (join, then say and receive the
 * room's messages) or {@code /echo}: one socket, spoken through the protocol module's
 * {@link ClientWebSocket}. Its frames after {@code joined} are its sending (its own) and receiving
 * (the server's) traffic; the upgrade request is its one HTTP request.
 */
final class WebSocketClient extends LoadClient implements ClientWebSocket.Output, ClientWebSocket.Listener {

    private final ClientWebSocket ws;
    private ClientSocket socket;

    WebSocketClient(LoadGenerator generator, ConnectPlan plan, int index) {
        super(generator, plan, index);
        String path = plan.transport() == Transport.ECHO ? "/echo" : "/ws";
        this.ws = new ClientWebSocket(plan.host(), plan.port(), path, MAX_MESSAGE_BYTES, generator.random(), this, this);
    }

    /** Its one socket (null until started). */
    ClientSocket socket() { return socket; }

    @Override
    void start() throws IOException {
        socket = generator.open(this);
    }

    @Override
    void connected(ClientSocket s) {
        state = State.OPENING;
        ws.start();
    }

    @Override
    void read(ClientSocket s, ByteBuffer in) throws IOException, WebSocketException {
        generator.traffic().down(part(Traffic.Part.RECEIVE), in.remaining());
        ws.onRead(in);
    }

    @Override
    void ended(ClientSocket s) {
        ws.onEndOfInput();
    }

    @Override
    void say(String json) {
        ws.sendText(json);
    }

    @Override
    void echo(String text) {
        ws.sendText(text);
    }

    @Override
    void close() {
        generator.close(socket);
    }

    // ---- ClientWebSocket's side ----

    @Override
    public void write(byte[] bytes) {
        if (state == State.OPENING && ws.state() == ClientWebSocket.State.CONNECTING) {
            generator.traffic().request(Traffic.Part.SETUP, bytes.length); // the upgrade request
        } else {
            generator.traffic().up(part(Traffic.Part.SEND), bytes.length);
        }
        generator.write(socket, bytes);
    }

    @Override
    public void onOpen() {
        if (room == null) {
            generator.becomeReady(this);
        } else {
            state = State.JOINING;
            ws.sendText(joinMessage());
        }
    }

    @Override
    public void onMessage(int opcode, byte[] payload) {
        if (room == null) generator.echoed(this, payload);
        else generator.chat(this, payload);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        generator.closed(this, code, reason);
    }
}
