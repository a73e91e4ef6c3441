package my;

import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.Response;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameCodec;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.MessageDecoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Given, complete: what one connection of an echo server says, without threads or sockets.
 * Bytes the socket read go in ({@link #onRead}), the bytes to write back come out. It reads the
 * request head, answers the handshake (with the server's {@link ServerConfig#handshake()}), then
 * decodes frames (with its {@link ServerConfig#codec()}) and echoes every message, answers pings,
 * and answers a close or a protocol violation with a close frame. It also serves {@code GET
 * /stats}, which the benchmark reads. It counts what it does in the server's {@link ServerCounters}.
 *
 * <p>Your two servers differ only in how bytes get here and back: that is the exercise. One
 * session per connection, used by one thread at a time.
 */
public final class EchoSession implements FrameDecoder.Listener {

    private static final byte[] NOTHING = new byte[0];

    private final String model;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final FrameCodec codec;
    private final RequestHeadParser headParser = new RequestHeadParser();
    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private MessageDecoder decoder;
    private boolean done;

    public EchoSession(String model, ServerConfig config, ServerCounters counters) {
        this.model = model;
        this.config = config;
        this.counters = counters;
        this.codec = config.codec();
    }

    /**
     * Handles bytes the socket read, all of them.
     *
     * @return what to write to the socket, in order (often nothing)
     */
    public byte[] onRead(ByteBuffer in) {
        answer.reset();
        try {
            if (!done && decoder == null) {
                RequestHead request = headParser.feed(in);
                if (request != null) route(request);
            }
            if (!done && decoder != null) decoder.decode(in, this);
        } catch (HttpException e) {
            counters.httpReject();
            answer.writeBytes(Response.error(e, false).toBytes(Response.Connection.CLOSE));
            done = true;
        } catch (WebSocketException e) {
            counters.protocolClose();
            answer.writeBytes(codec.serverClose(e.closeCode(), e.reason()));
            done = true;
        }
        in.position(in.limit()); // after the last answer, what the client sends is dropped
        return answer.toByteArray();
    }

    /**
     * Whether the last bytes {@link #onRead} returned were the last ones (a close frame, or an
     * HTTP answer). Once they are written, close the connection, the polite way: stop sending
     * ({@code shutdownOutput}), read until the client closes too, then close the socket.
     */
    public boolean isDone() { return done; }

    /** The connection is gone, however it ended: call once. */
    public void onClosed() {
        if (decoder != null) counters.connectionClosed();
    }

    private void route(RequestHead request) throws HttpException {
        counters.httpRequest();
        switch (request.path()) {
            case "/echo" -> {
                if (!request.method().equals("GET")) throw HttpException.methodNotAllowed(request.method(), "GET");
                answer.writeBytes(config.handshake().accept(request));
                decoder = codec.newDecoder(FrameDecoder.Role.SERVER, config.maxMessageBytes());
                counters.connectionOpened();
            }
            case "/stats" -> {
                answer.writeBytes(Response.json(200, counters.snapshot(model).toJson()).toBytes(Response.Connection.CLOSE));
                done = true;
            }
            default -> throw new HttpException(404, "this echo server serves /echo and /stats only");
        }
    }

    @Override
    public void onMessage(int opcode, byte[] payload) {
        counters.messageIn(payload.length);
        byte[] frame = codec.serverFrame(opcode, payload);
        counters.messageOut(frame.length);
        answer.writeBytes(frame);
    }

    @Override
    public void onPing(byte[] payload) {
        answer.writeBytes(codec.serverFrame(Opcode.PONG, payload));
    }

    @Override
    public void onPong(byte[] payload) {
        // nothing to do: a pong only shows the client is there
    }

    @Override
    public void onClose(int code, String reason) {
        answer.writeBytes(code == CloseCode.NO_STATUS ? codec.serverFrame(Opcode.CLOSE, NOTHING) : codec.serverClose(code, ""));
        done = true;
    }
}
