package chatlab.protocol.client;

import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The client role of RFC 6455, sans-I/O: bytes read from the socket go in through {@link #onRead},
 * bytes to write come out through an {@link Output}, events through a {@link Listener}; no
 * sockets, no threads. The same class serves the load generator's selector loop (non-blocking
 * channels, many connections on one thread) and a blocking client (one socket, a reader thread).
 *
 * <p>What it does: the opening handshake ({@link ClientHandshake}: a random key, the
 * {@code Sec-WebSocket-Accept} check); masked frames with a fresh key each from a
 * {@link SecureRandom}; the server's frames decoded by {@link FrameDecoder} in its client role
 * (unmasked frames only, fragments reassembled, UTF-8 checked); pings answered with pongs; the
 * close handshake from either side.
 *
 * <p>States: {@code CONNECTING} (request sent, waiting for the 101), {@code OPEN},
 * {@code CLOSING} (our close frame sent, waiting for the server's), {@code CLOSED}. Once
 * {@code CLOSED} the caller closes its socket (RFC 6455 7.1.1 lets the server close TCP first; a
 * client that waits for that EOF calls {@link #onEndOfInput}, which then does nothing).
 *
 * <p>Threads: one thread at a time calls {@link #onRead} and {@link #onEndOfInput}; the send
 * methods may be called from another thread only if the caller makes {@link Output#write} and
 * these calls mutually exclusive (a lock around both). The load generator calls everything from its
 * selector thread. Over a blocking socket, a reader thread is all it takes:
 *
 * <pre>{@code
 * Socket socket = new Socket(host, port);
 * OutputStream out = socket.getOutputStream();
 * ClientWebSocket ws = new ClientWebSocket(host, port, "/ws", 1 << 20, new SecureRandom(), bytes -> {
 *     try { out.write(bytes); } catch (IOException e) { throw new UncheckedIOException(e); }
 * }, listener);
 * ws.start();
 * byte[] buffer = new byte[8192];
 * InputStream in = socket.getInputStream();
 * for (int n; ws.state() != ClientWebSocket.State.CLOSED && (n = in.read(buffer)) >= 0; ) {
 *     ws.onRead(ByteBuffer.wrap(buffer, 0, n)); // the listener gets onOpen, onMessage, onClose
 * }
 * ws.onEndOfInput();
 * socket.close();
 * }</pre>
 */
public final class ClientWebSocket {

    /** Where the bytes to send go, in order; the caller writes them to its socket (or queues them). */
    @FunctionalInterface
    public interface Output {
        void write(byte[] bytes);
    }

    /** What the connection reports, on the thread that called {@link #onRead} (or a send method). */
    public interface Listener {
        /** The server accepted the handshake: messages may be sent. */
        void onOpen();

        /** A whole message, fragments reassembled: {@link Opcode#TEXT} (valid UTF-8) or {@link Opcode#BINARY}. */
        void onMessage(int opcode, byte[] payload);

        /** A pong from the server (an answer to {@link #ping}). */
        default void onPong(byte[] payload) {}

        /**
         * The connection is over: the close handshake finished, or the connection ended or failed
         * without one ({@link CloseCode#ABNORMAL}, 1006). Called once.
         *
         * @param remote true when the server began the close (or the connection simply ended)
         */
        void onClose(int code, String reason, boolean remote);
    }

    public enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    private final SecureRandom random;
    private final Output output;
    private final Listener listener;
    private ClientHandshake handshake;
    private final FrameDecoder decoder;
    private State state = State.CONNECTING;
    private final FrameDecoder.Listener frames = new FrameDecoder.Listener() {
        @Override public void onMessage(int opcode, byte[] payload) { if (state == State.OPEN) listener.onMessage(opcode, payload); }
        @Override public void onPing(byte[] payload) { if (state == State.OPEN) write(Opcode.PONG, payload); }
        @Override public void onPong(byte[] payload) { listener.onPong(payload); }
        @Override public void onClose(int code, String reason) { closeReceived(code, reason); }
    };

    /**
     * A connection about to start: call {@link #start} once the socket is connected.
     *
     * @param host            the server's host, for the {@code Host} header
     * @param port            the server's port
     * @param path            the request target ({@code /ws}, {@code /echo})
     * @param maxMessageBytes the largest message accepted from the server (larger: close 1009)
     */
    public ClientWebSocket(String host, int port, String path, int maxMessageBytes, SecureRandom random,
                           Output output, Listener listener) {
        this.random = random;
        this.output = output;
        this.listener = listener;
        this.handshake = new ClientHandshake(host, port, path, random);
        this.decoder = new FrameDecoder(FrameDecoder.Role.CLIENT, maxMessageBytes);
    }

    public State state() { return state; }

    /** Writes the upgrade request. */
    public void start() {
        if (handshake == null || state != State.CONNECTING) throw new IllegalStateException("already started");
        output.write(handshake.request());
    }

    /**
     * Bytes from the socket, in any split: first the response head, then frames (the two may share
     * a read). Consumes all of {@code in}.
     *
     * @throws HandshakeException the server refused or broke the handshake; the connection is {@code CLOSED}
     * @throws WebSocketException the server broke the protocol; a close frame with its code has been
     *                            written and the connection is {@code CLOSED}
     */
    public void onRead(ByteBuffer in) throws HandshakeException, WebSocketException {
        if (state == State.CONNECTING) {
            boolean accepted;
            try {
                accepted = handshake.feed(in);
            } catch (HandshakeException e) {
                state = State.CLOSED;
                throw e;
            }
            if (!accepted) return;
            handshake = null;
            state = State.OPEN;
            listener.onOpen();
        }
        if (state == State.CLOSED) {
            in.position(in.limit());
            return;
        }
        try {
            decoder.decode(in, frames);
        } catch (WebSocketException e) {
            // RFC 6455 7.1.7, "Fail the WebSocket Connection": say why, then stop.
            if (state == State.OPEN) write(Opcode.CLOSE, FrameEncoder.closePayload(e.closeCode(), e.reason()));
            state = State.CLOSED;
            throw e;
        }
    }

    /** The socket reached end of input: without a finished close handshake, the connection closed abnormally. */
    public void onEndOfInput() {
        if (state == State.CLOSED) return;
        boolean handshaking = state == State.CONNECTING;
        state = State.CLOSED;
        listener.onClose(CloseCode.ABNORMAL, handshaking ? "connection closed during the handshake"
                : "connection closed without a close frame", true);
    }

    /** Sends a text message; false (nothing sent) unless {@code OPEN}. */
    public boolean sendText(String text) {
        return send(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a binary message; false (nothing sent) unless {@code OPEN}. */
    public boolean sendBinary(byte[] payload) {
        return send(Opcode.BINARY, payload);
    }

    /** Sends a ping (at most 125 bytes); false unless {@code OPEN}. The pong arrives as {@link Listener#onPong}. */
    public boolean ping(byte[] payload) {
        if (payload.length > 125) throw new IllegalArgumentException("a ping carries at most 125 bytes");
        return send(Opcode.PING, payload);
    }

    /**
     * Begins the close handshake: sends a close frame and waits for the server's
     * ({@link Listener#onClose} then follows with {@code remote} false). Before the handshake is
     * over there is nothing to close: the connection just becomes {@code CLOSED}.
     */
    public void close(int code, String reason) {
        switch (state) {
            case OPEN -> {
                write(Opcode.CLOSE, FrameEncoder.closePayload(code, reason));
                state = State.CLOSING;
            }
            case CONNECTING -> state = State.CLOSED;
            case CLOSING, CLOSED -> { }
        }
    }

    private boolean send(int opcode, byte[] payload) {
        if (state != State.OPEN) return false;
        write(opcode, payload);
        return true;
    }

    private void write(int opcode, byte[] payload) {
        output.write(FrameEncoder.clientFrame(opcode, true, payload, random));
    }

    private void closeReceived(int code, String reason) {
        boolean remote = state == State.OPEN;
        if (remote) {
            // Echo the code (RFC 6455 5.5.1); a close without one is answered with 1000.
            write(Opcode.CLOSE, FrameEncoder.closePayload(code == CloseCode.NO_STATUS ? CloseCode.NORMAL : code, ""));
        }
        state = State.CLOSED;
        listener.onClose(code, reason, remote);
    }
}
