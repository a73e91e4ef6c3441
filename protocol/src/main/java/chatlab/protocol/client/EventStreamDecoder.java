package chatlab.protocol.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of a {@code text/event-stream} response, read as a browser's {@code EventSource} reads
 * it (HTML Living Standard, "Interpreting an event stream"), from bytes that arrive in any split:
 * lines end in CRLF, LF or CR; a line starting with {@code :} is a comment (a heartbeat); a field
 * line is {@code name: value} (one space after the colon dropped); {@code data} lines accumulate,
 * {@code id} sets the last event id, {@code event} the type; a blank line dispatches the event,
 * unless no data came. The last event id is what a client sends back as {@code Last-Event-ID}
 * when it reconnects.
 *
 * <p>Lines are split on their bytes (CR and LF never occur inside a UTF-8 sequence) and decoded
 * whole, so a character split across two reads is never broken. Not thread-safe: one per stream.
 */
public final class EventStreamDecoder {

    /** What the stream carries. */
    public interface Listener {
        /**
         * An event was dispatched.
         *
         * @param type        its {@code event} field, or {@code message}
         * @param data        its {@code data} lines joined with LF
         * @param lastEventId the stream's last event id after this event ("" when none was ever set)
         */
        void onEvent(String type, String data, String lastEventId);

        /** A comment line (its text after the colon): the server's heartbeat. */
        default void onComment(String text) {}
    }

    private final int maxLineBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    /** The previous byte was a CR: an LF right after it ends nothing more. */
    private boolean afterCr;
    private boolean started;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType = "";
    private String lastEventId = "";

    /** @param maxLineBytes a line longer than this is refused (a chat event is a few KiB) */
    public EventStreamDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** The last event id so far ("" before any): what to send as {@code Last-Event-ID} on a reconnect. */
    public String lastEventId() { return lastEventId; }

    /**
     * Consumes all of {@code in}.
     *
     * @throws ResponseException a line over the limit (the stream cannot be read further)
     */
    public void feed(ByteBuffer in, Listener listener) throws ResponseException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n' && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\r' || b == '\n') {
                line(listener);
                lineLength = 0;
                continue;
            }
            if (lineLength >= maxLineBytes) throw new ResponseException(200, "event-stream line over " + maxLineBytes + " bytes");
            if (lineLength == line.length) line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
            line[lineLength++] = b;
        }
    }

    private void line(Listener listener) {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        if (!started) {
            started = true;
            if (text.startsWith("\uFEFF")) text = text.substring(1); // one byte-order mark at the stream's start
        }
        if (text.isEmpty()) {
            dispatch(listener);
            return;
        }
        if (text.charAt(0) == ':') {
            listener.onComment(text.substring(1).stripLeading());
            return;
        }
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (name) {
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) lastEventId = value;
            }
            case "event" -> eventType = value;
            default -> { } // retry and unknown fields: nothing this reader uses
        }
    }

    private void dispatch(Listener listener) {
        if (!hasData) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1); // the LF after the last data line
        String type = eventType.isEmpty() ? "message" : eventType;
        String payload = data.toString();
        data.setLength(0);
        hasData = false;
        eventType = "";
        listener.onEvent(type, payload, lastEventId);
    }
}
