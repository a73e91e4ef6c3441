package chatlab.protocol.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental RFC 6455 decoder: bytes arrive in any split, down to one byte per call, and come
 * out as whole messages (fragments reassembled) and control frames. One instance per connection;
 * not thread-safe (one reader at a time, whatever the model).
 *
 * <p>It is an explicit state machine, in the manner of Netty's {@code WebSocket08FrameDecoder}:
 * {@code HEADER -> LENGTH -> MASK -> PAYLOAD -> HEADER ...}. Every violation goes through
 * {@link #fail}, which moves to {@code CORRUPT} so nothing is parsed after the first error, and
 * throws a {@link WebSocketException} carrying the close code. Limits are checked as early as the
 * bytes allow: a frame that would make the message too big is refused from its header (1009), and
 * invalid UTF-8 in a text message is refused at the byte that makes it invalid (1007).
 *
 * <p>The {@link Role} says which side is decoding: a server requires masked frames
 * ("a client MUST mask all frames", 5.1), a client requires unmasked ones.
 */
public final class FrameDecoder implements MessageDecoder {

    /** Which end of the connection this decoder sits on. */
    public enum Role {
        /** Decodes what a client sent: frames must be masked. */
        SERVER,
        /** Decodes what a server sent: frames must not be masked. */
        CLIENT
    }

    /** Receives what the decoder finds, on the decoding thread. */
    public interface Listener {
        /** A whole data message; {@code opcode} is {@link Opcode#TEXT} (valid UTF-8) or {@link Opcode#BINARY}. */
        void onMessage(int opcode, byte[] payload) throws WebSocketException;

        void onPing(byte[] payload);

        void onPong(byte[] payload);

        /** A close frame; {@code code} is {@link CloseCode#NO_STATUS} when it carried none. After it, input is ignored. */
        void onClose(int code, String reason);
    }

    private enum State { HEADER, LENGTH, MASK, PAYLOAD, CLOSED, CORRUPT }

    private final Role role;
    private final int maxMessageBytes;

    private State state = State.HEADER;
    // Current frame.
    private boolean fin;
    private int opcode;
    private long payloadLength;
    private long payloadRead;
    private int lengthBytesLeft;
    /** The four key bytes, first byte highest: an int, so an idle connection keeps no array for it. */
    private int maskKey;
    private int maskBytesRead;
    private boolean masked;
    private int headerByte;
    // Current control frame's payload (at most 125 bytes, so never split across messages).
    private byte[] control;
    // Current data message: null between messages, so an idle connection holds no buffer.
    private int messageOpcode = -1;
    private byte[] message;
    private int messageLength;
    private Utf8Validator utf8;

    public FrameDecoder(Role role, int maxMessageBytes) {
        this.role = role;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Whether a close frame has been decoded (and so any further input is ignored). */
    public boolean isClosed() { return state == State.CLOSED; }

    @Override
    public void decode(ByteBuffer in, Listener listener) throws WebSocketException {
        while (in.hasRemaining()) {
            switch (state) {
                case HEADER -> readHeaderByte(in.get(), listener);
                case LENGTH -> {
                    payloadLength = (payloadLength << 8) | (in.get() & 0xFF);
                    if (--lengthBytesLeft == 0) lengthComplete(listener);
                }
                case MASK -> {
                    maskKey = (maskKey << 8) | (in.get() & 0xFF);
                    if (++maskBytesRead == 4) startPayload(listener);
                }
                case PAYLOAD -> readPayload(in, listener);
                case CLOSED -> in.position(in.limit());
                case CORRUPT -> throw WebSocketException.protocol("decoder already failed");
            }
        }
    }

    private void readHeaderByte(byte b, Listener listener) throws WebSocketException {
        if (headerByte == 0) {
            fin = (b & 0x80) != 0;
            if ((b & 0x70) != 0) fail(CloseCode.PROTOCOL_ERROR, "RSV bits MUST be 0 without an extension");
            opcode = b & 0x0F;
            if (!Opcode.isKnown(opcode)) fail(CloseCode.PROTOCOL_ERROR, "unknown opcode " + opcode);
            if (Opcode.isControl(opcode) && !fin) fail(CloseCode.PROTOCOL_ERROR, "control frames MUST NOT be fragmented");
            if (opcode == Opcode.CONTINUATION && messageOpcode < 0) fail(CloseCode.PROTOCOL_ERROR, "continuation with no message to continue");
            if ((opcode == Opcode.TEXT || opcode == Opcode.BINARY) && messageOpcode >= 0) {
                fail(CloseCode.PROTOCOL_ERROR, "new data frame inside a fragmented message");
            }
            headerByte = 1;
            return;
        }
        headerByte = 0;
        masked = (b & 0x80) != 0;
        if (role == Role.SERVER && !masked) fail(CloseCode.PROTOCOL_ERROR, "client frames MUST be masked");
        if (role == Role.CLIENT && masked) fail(CloseCode.PROTOCOL_ERROR, "server frames MUST NOT be masked");
        int length7 = b & 0x7F;
        if (Opcode.isControl(opcode) && length7 > 125) fail(CloseCode.PROTOCOL_ERROR, "control frame over 125 bytes");
        payloadLength = 0;
        if (length7 == 126) {
            lengthBytesLeft = 2;
            state = State.LENGTH;
        } else if (length7 == 127) {
            lengthBytesLeft = 8;
            state = State.LENGTH;
        } else {
            payloadLength = length7;
            lengthComplete(listener);
        }
    }

    private void lengthComplete(Listener listener) throws WebSocketException {
        if (payloadLength < 0) fail(CloseCode.PROTOCOL_ERROR, "the most significant bit of a 64-bit length MUST be 0");
        if (!Opcode.isControl(opcode) && messageLength + payloadLength > maxMessageBytes) {
            fail(CloseCode.MESSAGE_TOO_BIG, "message over " + maxMessageBytes + " bytes");
        }
        if (masked) {
            maskBytesRead = 0;
            state = State.MASK;
        } else {
            startPayload(listener);
        }
    }

    private void startPayload(Listener listener) throws WebSocketException {
        payloadRead = 0;
        if (Opcode.isControl(opcode)) {
            control = new byte[(int) payloadLength];
        } else {
            if (opcode != Opcode.CONTINUATION) {
                messageOpcode = opcode;
                messageLength = 0;
                utf8 = opcode == Opcode.TEXT ? new Utf8Validator() : null;
            }
            ensureMessageCapacity(messageLength + (int) payloadLength);
        }
        state = State.PAYLOAD;
        if (payloadLength == 0) frameComplete(listener);
    }

    private void readPayload(ByteBuffer in, Listener listener) throws WebSocketException {
        int n = (int) Math.min(in.remaining(), payloadLength - payloadRead);
        boolean isControl = Opcode.isControl(opcode);
        byte[] target = isControl ? control : message;
        // A control frame fills its own array; a data frame appends to the message so far.
        int base = isControl ? (int) payloadRead : messageLength;
        for (int i = 0; i < n; i++) {
            byte b = in.get();
            if (masked) b ^= (byte) (maskKey >>> (24 - 8 * (int) ((payloadRead + i) & 3)));
            target[base + i] = b;
            if (utf8 != null && !isControl && !utf8.accept(b)) {
                fail(CloseCode.BAD_PAYLOAD, "text message is not valid UTF-8");
            }
        }
        payloadRead += n;
        if (!isControl) messageLength += n;
        if (payloadRead == payloadLength) frameComplete(listener);
    }

    private void frameComplete(Listener listener) throws WebSocketException {
        state = State.HEADER;
        byte[] controlPayload = control;
        control = null;
        switch (opcode) {
            case Opcode.PING -> listener.onPing(controlPayload);
            case Opcode.PONG -> listener.onPong(controlPayload);
            case Opcode.CLOSE -> closeFrame(controlPayload, listener);
            default -> {
                if (fin) messageComplete(listener);
            }
        }
    }

    private void messageComplete(Listener listener) throws WebSocketException {
        if (utf8 != null && !utf8.isComplete()) fail(CloseCode.BAD_PAYLOAD, "text message ends inside a UTF-8 sequence");
        // A message of one frame was given an array of its exact size: it is handed over as it is.
        byte[] payload = message.length == messageLength ? message : Arrays.copyOf(message, messageLength);
        int completedOpcode = messageOpcode;
        messageOpcode = -1;
        message = null;
        messageLength = 0;
        utf8 = null;
        listener.onMessage(completedOpcode, payload);
    }

    private void closeFrame(byte[] control, Listener listener) throws WebSocketException {
        if (control.length == 1) fail(CloseCode.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        int code = CloseCode.NO_STATUS;
        String reason = "";
        if (control.length >= 2) {
            code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
            if (!CloseCode.isValidOnWire(code)) fail(CloseCode.PROTOCOL_ERROR, "invalid close code " + code);
            if (!Utf8Validator.isValid(control, 2, control.length - 2)) fail(CloseCode.BAD_PAYLOAD, "close reason is not valid UTF-8");
            reason = new String(control, 2, control.length - 2, StandardCharsets.UTF_8);
        }
        state = State.CLOSED;
        listener.onClose(code, reason);
    }

    private void ensureMessageCapacity(int needed) {
        if (message == null) {
            message = new byte[needed];
        } else if (message.length < needed) {
            message = Arrays.copyOf(message, Math.max(needed, Math.min(maxMessageBytes, message.length * 2)));
        }
    }

    private void fail(int closeCode, String reason) throws WebSocketException {
        state = State.CORRUPT;
        message = null;
        throw new WebSocketException(closeCode, reason);
    }
}
