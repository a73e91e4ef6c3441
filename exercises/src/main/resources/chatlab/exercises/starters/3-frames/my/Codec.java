package my;

import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameCodec;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.MessageDecoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.Utf8Validator;
import chatlab.protocol.ws.WebSocketException;
import java.nio.ByteBuffer;

/**
 * Exercise 3: WebSocket framing (RFC 6455, section 5): an encoder that writes frames, and a
 * decoder that reads them back into whole messages, whatever way the bytes are cut up.
 *
 * <p>The server calls {@link #newDecoder} once per connection and then feeds that decoder every
 * byte the socket reads, as it arrives: a read may end anywhere, in a header, in the middle of
 * a length, of a mask or of a UTF-8 character (the tests feed one byte at a time, too). So the
 * decoder is a state machine that remembers where it stopped. It reports to the
 * {@link FrameDecoder.Listener}: whole data messages (fragments joined), pings, pongs, a close.
 * ({@code Listener} and {@code Role} are declared in chatlab's own decoder, {@code FrameDecoder}:
 * use them, not the rest of that class, which is the reference solution.)
 *
 * <p>Every violation is a {@code throw new WebSocketException(closeCode, reason)}: the server
 * answers with a close frame of that code and ends the connection. 1002 for framing errors,
 * 1007 for text that is not UTF-8, 1009 for a message over {@code maxMessageBytes}.
 *
 * <p>Check it: {@code ./chatlab exercise check 3}. The page: docs/exercises/3-frames.md.
 */
public class Codec implements FrameCodec {

    @Override
    public MessageDecoder newDecoder(FrameDecoder.Role role, int maxMessageBytes) {
        return new Decoder(role, maxMessageBytes);
    }

    @Override
    public byte[] encode(int opcode, boolean fin, byte[] payload, byte[] maskKey) {
        // TODO 1 (5.2): byte 0 is FIN (0x80) | opcode; RSV bits stay 0.
        // TODO 2 (5.2): byte 1 is MASK (0x80 when maskKey != null) | the length: up to 125 in
        //        those 7 bits; up to 65535 as 126 followed by 2 bytes; else 127 followed by 8 bytes,
        //        network byte order (most significant first).
        // TODO 3 (5.3): with a key, the 4 key bytes, then payload[i] ^ maskKey[i % 4]; without, the payload.
        throw new UnsupportedOperationException("encode is not written yet (TODO 1 to 3)");
    }

    /** One connection's decoder: it remembers where the last call stopped. */
    static final class Decoder implements MessageDecoder {

        private final FrameDecoder.Role role;
        private final int maxMessageBytes;

        Decoder(FrameDecoder.Role role, int maxMessageBytes) {
            this.role = role;
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public void decode(ByteBuffer in, FrameDecoder.Listener listener) throws WebSocketException {
            // TODO 4 (5.2): read every byte of in (in.get()), moving through the states: first header
            //        byte, second header byte, extended length, mask key, payload. Keep what a state
            //        has gathered in fields, since the next call continues it.
            // TODO 5 (5.1, 5.2): refuse with 1002: RSV bits set (no extension was agreed); an opcode
            //        Opcode.isKnown rejects; a frame from a client that is not masked (role SERVER) or
            //        one from a server that is (role CLIENT).
            // TODO 6 (5.5): control frames (Opcode.isControl) are never fragmented and carry at most
            //        125 bytes (1002); they may arrive between the fragments of a message.
            // TODO 7 (5.4): a data message is a TEXT or BINARY frame, then CONTINUATION frames until
            //        one has FIN set. A continuation with nothing to continue, or a new TEXT/BINARY
            //        before the last fragment, is 1002. Hand the joined payload to onMessage.
            // TODO 8 (10.4): a message that would pass maxMessageBytes is 1009, as soon as a header says so.
            // TODO 9 (8.1): a text message must be UTF-8 (1007) - refuse the first bad byte at once,
            //        even in an unfinished message; new Utf8Validator().accept(b) checks one byte at a time.
            // TODO 10 (5.5.1): a close payload is empty, or a 2-byte code (CloseCode.isValidOnWire,
            //        else 1002) then a UTF-8 reason (else 1007); 1 byte is 1002. An empty close
            //        reports CloseCode.NO_STATUS. After a close, ignore whatever follows.
            throw new UnsupportedOperationException("decode is not written yet (TODO 4 to 10)");
        }
    }
}
