package chatlab.protocol.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.http.RequestDecoder.Request;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestDecoderTest {

    private static final int LIMIT = 64;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code input} in pieces of {@code step} bytes and collects every request. */
    private static List<Request> decodeAll(RequestDecoder decoder, byte[] input, int step) throws HttpException {
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < input.length; i += step) {
            ByteBuffer piece = ByteBuffer.wrap(input, i, Math.min(step, input.length - i));
            Request r;
            while ((r = decoder.feed(piece)) != null) out.add(r);
            assertFalse(piece.hasRemaining(), "everything fed is consumed");
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 1000})
    void pipelinedRequestsWithEveryFramingInAnySplit(int step) throws HttpException {
        String input = "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /send?sid=a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /send?sid=b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;name=value\r\nabc\r\n"
                + "A\r\n0123456789\r\n"
                + "0\r\nX-Trailer: ignored\r\n\r\n"
                + "GET /poll HTTP/1.0\r\n\r\n";
        List<Request> requests = decodeAll(new RequestDecoder(LIMIT), bytes(input), step);
        assertEquals(4, requests.size());
        assertEquals("/stats", requests.get(0).head().path());
        assertEquals(0, requests.get(0).body().length);
        assertArrayEquals(bytes("hello"), requests.get(1).body());
        assertEquals("sid=a", requests.get(1).head().query());
        assertArrayEquals(bytes("abc0123456789"), requests.get(2).body());
        assertTrue(requests.get(3).head().isHttp10());
        assertFalse(requests.get(3).head().persistent(), "HTTP/1.0 without keep-alive is not persistent");
    }

    @Test
    void bytesAfterARequestStayInTheBuffer() throws HttpException {
        RequestDecoder decoder = new RequestDecoder(LIMIT);
        ByteBuffer in = ByteBuffer.wrap(bytes("GET /ws HTTP/1.1\r\nHost: x\r\n\r\nFRAME"));
        assertNotNull(decoder.feed(in));
        assertEquals(5, in.remaining());
    }

    @Test
    void inProgressFromTheFirstByteToTheLast() throws HttpException {
        RequestDecoder decoder = new RequestDecoder(LIMIT);
        assertFalse(decoder.inProgress());
        assertNull(decoder.feed(ByteBuffer.wrap(bytes("P"))));
        assertTrue(decoder.inProgress());
        assertNull(decoder.feed(ByteBuffer.wrap(bytes("OST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\na"))));
        assertTrue(decoder.inProgress(), "the body is still arriving");
        assertNotNull(decoder.feed(ByteBuffer.wrap(bytes("b"))));
        assertFalse(decoder.inProgress());
    }

    @Test
    void expectContinueIsAskedForOnceWhenABodyIsAwaited() throws HttpException {
        RequestDecoder decoder = new RequestDecoder(LIMIT);
        assertNull(decoder.feed(ByteBuffer.wrap(bytes("POST /send HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"))));
        assertTrue(decoder.takeContinue());
        assertFalse(decoder.takeContinue());
        assertNotNull(decoder.feed(ByteBuffer.wrap(bytes("{}"))));
    }

    @Test
    void contentLengthOverTheLimitIs413AtTheHeadWithoutReadingTheBody() {
        RequestDecoder decoder = new RequestDecoder(LIMIT);
        HttpException e = assertThrows(HttpException.class, () -> decoder.feed(ByteBuffer.wrap(
                bytes("POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n"))));
        assertEquals(413, e.status());
        assertEquals("/send", decoder.head().path(), "the refused request's head is known, for the answer's format");
    }

    @Test
    void chunkedBodyOverTheLimitIs413AtTheChunkThatPassesIt() throws HttpException {
        RequestDecoder decoder = new RequestDecoder(LIMIT);
        assertNull(decoder.feed(ByteBuffer.wrap(bytes("POST /send HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "20\r\n" + "a".repeat(32) + "\r\n"))));
        HttpException e = assertThrows(HttpException.class, () -> decoder.feed(ByteBuffer.wrap(bytes("21\r\n"))));
        assertEquals(413, e.status());
    }

    @Test
    void exactlyTheLimitIsAccepted() throws HttpException {
        Request r = new RequestDecoder(LIMIT).feed(ByteBuffer.wrap(bytes(
                "POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: " + LIMIT + "\r\n\r\n" + "b".repeat(LIMIT))));
        assertNotNull(r);
        assertEquals(LIMIT, r.body().length);
    }

    record Bad(String request, int status) {}

    static List<Bad> badRequests() {
        return List.of(
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
                new Bad("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n", 400),
                new Bad("GET / HTTP/1.1\r\n\r\n", 400),
                new Bad("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400),
                new Bad("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + "1".repeat(2000), 400),
                new Bad("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                new Bad("GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(9000), 431));
    }

    @Test
    void brokenFramingIsRefusedAndTheDecoderAcceptsNothingAfter() {
        for (Bad bad : badRequests()) {
            RequestDecoder decoder = new RequestDecoder(LIMIT);
            HttpException e = assertThrows(HttpException.class, () -> decodeAll(decoder, bytes(bad.request()), 1), bad.request());
            assertEquals(bad.status(), e.status(), bad.request() + " -> " + e.getMessage());
            assertThrows(IllegalStateException.class, () -> decoder.feed(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\n\r\n"))));
        }
    }

    @Test
    void persistenceFollowsVersionAndConnectionHeader() throws HttpException {
        assertTrue(head("GET / HTTP/1.1\r\nHost: x\r\n\r\n").persistent());
        assertFalse(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").persistent());
        assertFalse(head("GET / HTTP/1.0\r\n\r\n").persistent());
        assertTrue(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").persistent());
    }

    private static RequestHead head(String request) throws HttpException {
        return new RequestDecoder(LIMIT).feed(ByteBuffer.wrap(bytes(request))).head();
    }
}
