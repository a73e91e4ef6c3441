package chatlab.protocol.ws;

import java.nio.ByteBuffer;

/**
 * Turns the bytes of one WebSocket connection into whole messages and control frames (RFC 6455
 * section 5): what a connection asks of a decoder, so another implementation (a student's, in
 * the exercise track) can stand in for chatlab's own, {@link FrameDecoder}. One instance per
 * connection, fed by one thread at a time. What it reports to ({@link FrameDecoder.Listener}) and
 * which side it decodes for ({@link FrameDecoder.Role}) are declared in {@link FrameDecoder}.
 */
public interface MessageDecoder {

    /**
     * Consumes every byte of {@code in}, which may end anywhere (in a header, a mask, a payload,
     * a UTF-8 character), calling {@code listener} for each message and control frame completed
     * on the way.
     *
     * @throws WebSocketException at the first violation, carrying its close code (1002, 1007, 1009);
     *                            the decoder is then unusable
     */
    void decode(ByteBuffer in, FrameDecoder.Listener listener) throws WebSocketException;
}
