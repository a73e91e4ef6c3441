package chatlab.protocol.ws;

/**
 * RFC 6455 framing (section 5) as a server connection uses it: a decoder per connection, and an
 * encoder for the frames it sends. Another implementation (a student's, in the exercise track)
 * can stand in for chatlab's own, {@link Rfc6455Codec}. One instance serves every connection of
 * a server, from whatever threads the model runs: {@link #encode} keeps no state.
 */
public interface FrameCodec {

    /** A new decoder for one connection, refusing messages over {@code maxMessageBytes} (1009). */
    MessageDecoder newDecoder(FrameDecoder.Role role, int maxMessageBytes);

    /**
     * One whole frame: header, extended length (16 or 64 bits, whichever is shortest), mask key and
     * payload.
     *
     * @param maskKey null for an unmasked frame (a server's), else the 4-byte key a client masks with
     */
    byte[] encode(int opcode, boolean fin, byte[] payload, byte[] maskKey);

    /** A whole, unmasked frame, as a server sends it. */
    default byte[] serverFrame(int opcode, byte[] payload) {
        return encode(opcode, true, payload, null);
    }

    /** A server's close frame: the code in network order, then the UTF-8 reason. */
    default byte[] serverClose(int code, String reason) {
        return serverFrame(Opcode.CLOSE, FrameEncoder.closePayload(code, reason));
    }
}
