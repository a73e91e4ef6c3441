package chatlab.protocol.chat;

import chatlab.protocol.ws.FrameEncoder;

/**
 * A server-to-client chat message, serialized once: the JSON text, and the WebSocket frame made
 * from it on first use. A room message is one {@code Outbound} shared by every member, so fan-out
 * to a thousand members costs one serialization and one frame, not a thousand (encode-once).
 * Immutable once built; {@link #frame()} may race to encode, which only wastes a copy.
 */
public final class Outbound {

    private final String json;
    private volatile byte[] frame;

    public Outbound(String json) {
        this.json = json;
    }

    /** The JSON text, for transports that frame it themselves (the peers). */
    public String json() { return json; }

    /** The server's text frame; the same array for every caller, never to be modified. */
    public byte[] frame() {
        byte[] f = frame;
        if (f == null) {
            f = FrameEncoder.serverText(json);
            frame = f;
        }
        return f;
    }

    @Override
    public String toString() { return json; }
}
