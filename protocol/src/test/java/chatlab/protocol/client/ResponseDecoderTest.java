package chatlab.protocol.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.http.Response;
import chatlab.protocol.http.ServerSentEvents;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's response decoder fed the bytes chatlab's server side writes ({@link Response},
 * {@link ServerSentEvents}), whole and one byte at a time, and the framings it must refuse.
 */
class ResponseDecoderTest {

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    /** Feeds {@code wire} in pieces of {@code step} bytes; collects every response and what follows the last. */
    private static List<ResponseDecoder.Response> decode(byte[] wire, int step, ByteArrayOutputStream rest) throws ResponseException {
        ResponseDecoder decoder = new ResponseDecoder(1 << 20);
        List<ResponseDecoder.Response> responses = new ArrayList<>();
        boolean stream = false;
        for (int i = 0; i < wire.length; i += step) {
            ByteBuffer in = ByteBuffer.wrap(wire, i, Math.min(step, wire.length - i));
            while (in.hasRemaining()) {
                if (stream) {
                    rest.write(in.array(), in.position(), in.remaining());
                    in.position(in.limit());
                    break;
                }
                ResponseDecoder.Response r = decoder.feed(in, false);
                if (r == null) break;
                responses.add(r);
                stream = r.untilClose();
            }
        }
        return responses;
    }

    @Test
    void pipelinedAnswersSplitAnywhereComeOutWholeWithTheirSizes() throws Exception {
        byte[] poll = Response.json(200, "{\"last\":3,\"messages\":[]}").toBytes(Response.Connection.PERSISTENT);
        byte[] sent = Response.noContent().toBytes(Response.Connection.PERSISTENT);
        byte[] events = concat(ServerSentEvents.HEAD, ServerSentEvents.event(4, "{\"type\":\"x\"}"));
        byte[] wire = concat(poll, sent, events);
        for (int step : new int[] {1, 7, wire.length}) {
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            List<ResponseDecoder.Response> responses = decode(wire, step, rest);
            assertEquals(3, responses.size(), "step " + step);
            assertEquals(200, responses.get(0).status());
            assertEquals("{\"last\":3,\"messages\":[]}", new String(responses.get(0).body(), StandardCharsets.UTF_8));
            assertEquals(poll.length, responses.get(0).wireBytes(), "head and body, counted as they came");
            assertEquals(204, responses.get(1).status());
            assertEquals(0, responses.get(1).body().length);
            assertEquals(sent.length, responses.get(1).wireBytes());
            ResponseDecoder.Response stream = responses.get(2);
            assertTrue(stream.untilClose(), "no length: the body is the rest of the connection");
            assertEquals("text/event-stream", stream.head().header("Content-Type"));
            assertEquals(ServerSentEvents.HEAD.length, stream.wireBytes());
            assertArrayEquals(ServerSentEvents.event(4, "{\"type\":\"x\"}"), rest.toByteArray(), "left to the caller");
        }
    }

    @Test
    void anInterimAnswerIsSkippedAndCountedWithTheRealOne() throws Exception {
        byte[] interim = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] real = Response.noContent().toBytes(Response.Connection.PERSISTENT);
        List<ResponseDecoder.Response> responses = decode(concat(interim, real), 3, new ByteArrayOutputStream());
        assertEquals(1, responses.size());
        assertEquals(204, responses.get(0).status());
        assertEquals(interim.length + real.length, responses.get(0).wireBytes());
    }

    @Test
    void anIncompleteBodyIsNotAResponseYet() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(1024);
        byte[] wire = Response.json(200, "{\"sid\":\"abc\"}").toBytes(Response.Connection.PERSISTENT);
        assertNull(decoder.feed(ByteBuffer.wrap(wire, 0, wire.length - 1), false));
        assertTrue(decoder.inProgress());
        assertEquals("{\"sid\":\"abc\"}", new String(decoder.feed(ByteBuffer.wrap(wire, wire.length - 1, 1), false).body(),
                StandardCharsets.UTF_8));
    }

    @Test
    void framingsItCannotVouchForAreRefused() {
        ResponseDecoder chunked = new ResponseDecoder(1024);
        ResponseException e = assertThrows(ResponseException.class, () -> chunked.feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), false));
        assertTrue(e.getMessage().contains("transfer coding"), e.getMessage());
        assertThrows(ResponseException.class, () -> new ResponseDecoder(10).feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), false), "over the limit");
        assertThrows(ResponseException.class, () -> new ResponseDecoder(10).feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), false), "conflicting lengths");
        ResponseException notHttp = assertThrows(ResponseException.class, () -> new ResponseDecoder(10).feed(ByteBuffer.wrap(
                "SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), false));
        assertEquals(-1, notHttp.status());
    }
}
