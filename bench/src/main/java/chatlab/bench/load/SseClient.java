package chatlab.bench.load;

import chatlab.protocol.client.EventStreamDecoder;
import chatlab.protocol.client.ResponseDecoder;
import chatlab.protocol.client.ResponseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events: {@code GET /events} on a connection of its own, read as {@code EventSource}
 * reads it; each event's {@code id} is the session's number of its message. When the server ends
 * the stream (it does after a replay over its limit), the client opens it again at once with
 * {@code Last-Event-ID}, and nothing is lost or repeated. Sending takes a {@code POST /send} on the
 * other connection: the stream goes one way only.
 */
final class SseClient extends HttpChatClient implements EventStreamDecoder.Listener {

    private ClientSocket stream;
    private ResponseDecoder head;
    private EventStreamDecoder events;
    /** Events since the stream was last opened: one that ends without any is not resumed again. */
    private int eventsSinceOpen;
    private boolean resumed;

    SseClient(LoadGenerator generator, ConnectPlan plan, int index) {
        super(generator, plan, index);
    }

    @Override
    void startReceiving() throws IOException {
        open();
    }

    private void open() throws IOException {
        head = new ResponseDecoder(LoadClient.MAX_MESSAGE_BYTES);
        events = null;
        eventsSinceOpen = 0;
        stream = generator.open(this);
        if (stream.connected) connected(stream);
    }

    @Override
    void connected(ClientSocket socket) throws IOException {
        super.connected(socket);
        if (socket != stream) return;
        // EventSource sends Last-Event-ID only when it reconnects; the first stream starts with every kept message.
        byte[] request = get("/events?sid=" + sid, "Accept: text/event-stream\r\n" + (last > 0 ? "Last-Event-ID: " + last + "\r\n" : ""));
        generator.traffic().request(part(Traffic.Part.RECEIVE), request.length);
        generator.write(stream, request);
    }

    @Override
    void read(ClientSocket socket, ByteBuffer in) throws IOException {
        if (socket != stream) {
            super.read(socket, in);
            return;
        }
        generator.traffic().down(part(Traffic.Part.RECEIVE), in.remaining());
        if (events == null) {
            ResponseDecoder.Response response = head.feed(in, false);
            if (response == null) return;
            expect(response, 200, "GET /events");
            String type = response.head().header("content-type");
            if (!response.untilClose() || type == null || !type.startsWith("text/event-stream")) {
                throw new ResponseException(200, "GET /events answered " + type + " instead of an event stream to the connection's end");
            }
            events = new EventStreamDecoder(LoadClient.MAX_MESSAGE_BYTES);
        }
        events.feed(in, this);
    }

    @Override
    public void onEvent(String type, String data, String lastEventId) {
        eventsSinceOpen++;
        try {
            long number = Long.parseLong(lastEventId);
            if (number <= last) {
                generator.fault(name() + " got event " + number + " again (last " + last + ")");
                return;
            }
            last = number;
        } catch (NumberFormatException e) {
            generator.fault(name() + " got an event whose id is not a number: '" + lastEventId + "'");
        }
        generator.chat(this, data.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    void ended(ClientSocket socket) throws IOException {
        if (socket != stream) {
            super.ended(socket);
            return;
        }
        generator.close(stream);
        stream = null;
        if (events == null || eventsSinceOpen == 0 && resumed) {
            throw new IOException("the server ended the event stream " + (events == null ? "before its head" : "again without an event"));
        }
        resumed = true;
        open(); // as EventSource does, from the last id it got
    }

    @Override
    void close() {
        if (stream != null) generator.close(stream);
        stream = null;
        super.close();
    }
}
