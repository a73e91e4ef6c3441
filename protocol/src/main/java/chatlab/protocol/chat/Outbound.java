package chatlab.protocol.chat;

import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.WireBytes;
import java.nio.charset.StandardCharsets;

/**
 * A server-to-client chat message, serialized once: the JSON text, and the WebSocket frame made
 * from it on first use. A room message is one {@code Outbound} shared by every member, so fan-out
 * to a thousand members costs one serialization and one frame, not a thousand (encode-once).
 *
 * <p>Once framed it keeps the frame only, until the text is asked for again: the core models send
 * frames and never ask for the text, the peers send text and never frame (they count
 * {@link #frameLength()}, which frames nothing), and each room's history holds a thousand of
 * these, so keeping both forms would double what the history holds until the GC promotes it.
 *
 * <p>Thread-safe without a lock: {@link #frame()} may race to encode, which only wastes a copy;
 * the frame is published before the text is let go, so a reader always finds one of the two.
 */
public final class Outbound {

    /** Null once {@link #frame} is set, until {@link #json()} decodes it again. */
    private volatile String json;
    private volatile byte[] frame;
    /** 0 until first asked for. */
    private volatile int frameLength;

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

    /** The bytes of {@link #frame()}, without framing: what the counters and the outbound bound count. */
    public int frameLength() {
        int length = frameLength;
        if (length == 0) {
            byte[] f = frame;
            String text = f == null ? json : null;
            length = f != null ? f.length : text != null ? WireBytes.serverFrame(WireBytes.utf8(text)) : frame.length;
            frameLength = length;
        }
        return length;
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
