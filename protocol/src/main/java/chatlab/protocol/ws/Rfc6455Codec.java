package chatlab.protocol.ws;

/** chatlab's own {@link FrameCodec}: {@link FrameDecoder} and {@link FrameEncoder}. Every model uses it unless told otherwise. */
public final class Rfc6455Codec implements FrameCodec {

    @Override
    public MessageDecoder newDecoder(FrameDecoder.Role role, int maxMessageBytes) {
        return new FrameDecoder(role, maxMessageBytes);
    }

    @Override
    public byte[] encode(int opcode, boolean fin, byte[] payload, byte[] maskKey) {
        return FrameEncoder.frame(opcode, fin, payload, 0, payload.length, maskKey);
    }
}
