package chatlab.protocol.chat;

import chatlab.protocol.ws.FrameEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A server-to-client chat message, serialized once: the JSON text, and the WebSocket frame made
 * from it on first use. A room message is one {@code Outbound} shared by every member, so fan-out
 * to a thousand members costs one serialization and one frame, not a thousand (encode-once).
 *
 * <p>Once framed it keeps the frame only, until the text is asked for again: the core models send
 * frames and never ask for the text, and each room's history holds a thousand of these, so
 * keeping both forms would double the history that every young garbage collection copies. (A
 * peer frames nothing itself but may ask for the frame's length; it then keeps both.)
 *
 * <p>Thread-safe without a lock: {@link #frame()} may race to encode, which only wastes a copy;
 * the frame is published before the text is let go, so a reader always finds one of the two.
 */
public final class Outbound {

    /** Null once {@link #frame} is set, until {@link #json()} decodes it again. */
    private volatile String json;
    private volatile byte[] frame;

    public Outbound(String json) {
        this.json = json;
    }

    /** The JSON text, for transports that frame it themselves (the peers); kept once asked for. */
    public String json() {
        String text = json;
        if (text == null) {
            text = payloadText(frame);
            json = text;
        }
        return text;
    }

    /** The server's text frame; the same array for every caller, never to be modified. */
    public byte[] frame() {
        byte[] f = frame;
        if (f != null) return f;
        String text = json;
        if (text == null) return frame; // framed by another thread meanwhile
        f = FrameEncoder.serverText(text);
        frame = f;
        json = null;
        return f;
    }

    /** The payload of an unmasked server frame: the header is 2, 4 or 10 bytes (RFC 6455, 5.2). */
    private static String payloadText(byte[] frame) {
        int length7 = frame[1] & 0x7F;
        int header = length7 < 126 ? 2 : length7 == 126 ? 4 : 10;
        return new String(frame, header, frame.length - header, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() { return json(); }
}
