package chatlab.protocol.ws;

import java.nio.ByteBuffer;

/**
 * Turns the bytes of one WebSocket connection into whole messages and control frames (RFC 6455
 * section 5): what a connection asks of a decoder, so another implementation (a student's, in
 * the exercise track) can stand in for chatlab's own, {@link FrameDecoder}. One instance per
 * connection, fed by one thread at a time.
 */
public interface MessageDecoder {

    /** Which end of the connection a decoder sits on. */
    enum Role {
        /** Decodes what a client sent: frames must be masked. */
        SERVER,
        /** Decodes what a server sent: frames must not be masked. */
        CLIENT
    }

    /** Receives what the decoder finds, on the decoding thread. */
    interface Listener {
        /** A whole data message; {@code opcode} is {@link Opcode#TEXT} (valid UTF-8) or {@link Opcode#BINARY}. */
        void onMessage(int opcode, byte[] payload) throws WebSocketException;

        void onPing(byte[] payload);

        void onPong(byte[] payload);

        /** A close frame; {@code code} is {@link CloseCode#NO_STATUS} when it carried none. After it, input is ignored. */
        void onClose(int code, String reason);
    }

    /**
     * Consumes every byte of {@code in}, which may end anywhere (in a header, a mask, a payload,
     * a UTF-8 character), calling {@code listener} for each message and control frame completed
     * on the way.
     *
     * @throws WebSocketException at the first violation, carrying its close code (1002, 1007, 1009);
     *                            the decoder is then unusable
     */
    void decode(ByteBuffer in, Listener listener) throws WebSocketException;
}
