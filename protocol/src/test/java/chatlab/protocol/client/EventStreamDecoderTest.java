package chatlab.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chatlab.protocol.http.ServerSentEvents;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream reader fed the server's framing and the spec's other forms, in any split. */
class EventStreamDecoderTest {

    private static List<String> read(byte[] wire, int step) throws ResponseException {
        EventStreamDecoder decoder = new EventStreamDecoder(1 << 16);
        List<String> seen = new ArrayList<>();
        EventStreamDecoder.Listener listener = new EventStreamDecoder.Listener() {
            @Override public void onEvent(String type, String data, String lastEventId) { seen.add(type + "|" + lastEventId + "|" + data); }
            @Override public void onComment(String text) { seen.add("comment|" + text); }
        };
        for (int i = 0; i < wire.length; i += step) decoder.feed(ByteBuffer.wrap(wire, i, Math.min(step, wire.length - i)), listener);
        return seen;
    }

    @Test
    void theServersEventsAndHeartbeatsReadBackInAnySplit() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(ServerSentEvents.event(1, "{\"text\":\"h\u00e9llo \u2603\"}"));
        wire.writeBytes(ServerSentEvents.HEARTBEAT);
        wire.writeBytes(ServerSentEvents.event(2, "{\"text\":\"again\"}"));
        for (int step : new int[] {1, 2, 5, 1000}) {
            assertEquals(List.of("message|1|{\"text\":\"h\u00e9llo \u2603\"}", "comment|heartbeat", "message|2|{\"text\":\"again\"}"),
                    read(wire.toByteArray(), step), "step " + step);
        }
    }

    @Test
    void crLfAndCrEndLinesAndDataLinesJoinWithLf() throws Exception {
        byte[] wire = "\uFEFFevent: chat\r\ndata: a\rdata:b\r\nid: 7\r\n\r\ndata\n\nid: 8\n\n: only a comment\n\n"
                .getBytes(StandardCharsets.UTF_8);
        for (int step : new int[] {1, 3, wire.length}) {
            assertEquals(List.of("chat|7|a\nb", "message|7|", "comment|only a comment"), read(wire, step), "step " + step);
        }
    }

    @Test
    void theLastEventIdSurvivesEventsWithoutOne() throws Exception {
        EventStreamDecoder decoder = new EventStreamDecoder(1024);
        List<String> ids = new ArrayList<>();
        decoder.feed(ByteBuffer.wrap("id: 41\ndata: x\n\ndata: y\n\n".getBytes(StandardCharsets.UTF_8)), (t, d, id) -> ids.add(id));
        assertEquals(List.of("41", "41"), ids);
        assertEquals("41", decoder.lastEventId());
    }

    @Test
    void aLineOverTheLimitIsRefused() {
        byte[] wire = ("data: " + "x".repeat(100) + "\n\n").getBytes(StandardCharsets.US_ASCII);
        assertThrows(ResponseException.class, () -> new EventStreamDecoder(64).feed(ByteBuffer.wrap(wire), (t, d, id) -> { }));
    }
}
