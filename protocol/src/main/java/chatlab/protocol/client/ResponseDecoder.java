package chatlab.protocol.client;

import chatlab.protocol.http.ContentLength;
import java.nio.ByteBuffer;

/**
 * HTTP/1.1 responses as a client reads them, one after another on a persistent connection, from
 * bytes that arrive in any split. The body is framed as RFC 9112 6.3 says, for the answers a
 * chatlab server gives: none for {@code 1xx}, {@code 204} and {@code 304} (and when the caller
 * says the request was a {@code HEAD}); {@code Content-Length} bytes; or, with neither length nor
 * coding, everything until the connection ends (an event stream): the decoder then hands back the
 * head and leaves the rest of the connection's bytes to the caller.
 *
 * <p>A body in a transfer coding is refused: chatlab's servers never send one, and a load
 * generator that guessed would count bytes it cannot vouch for. Interim {@code 1xx} answers
 * (other than {@code 101}) are read and skipped, as RFC 9110 15.2 asks of a client.
 *
 * <p>Not thread-safe: one per connection, fed by the thread that reads it.
 */
public final class ResponseDecoder {

    /**
     * A whole response, or the head of one whose body runs to the connection's end.
     *
     * @param body      the body (empty when there is none), or null when it runs to the connection's end
     * @param wireBytes the bytes this response took on the connection: head and body, interim answers before it included
     */
    public record Response(ResponseHead head, byte[] body, long wireBytes) {

        public int status() { return head.status(); }

        /** Whether the body is whatever follows until the connection ends (an event stream). */
        public boolean untilClose() { return body == null; }
    }

    private static final byte[] EMPTY = new byte[0];

    private final int maxBodyBytes;
    private ResponseHeadParser headParser;
    private ResponseHead head;
    private byte[] body;
    private int bodyLength;
    private long skipped;
    private boolean streaming;

    /** @param maxBodyBytes a {@code Content-Length} above this is refused */
    public ResponseDecoder(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Consumes bytes up to the end of one response, leaving whatever follows in {@code in}.
     *
     * @param headRequest the request this answers was a {@code HEAD} (no body, whatever the head says)
     * @return the response once complete (or its head, for a body that runs to the connection's end), else null
     * @throws ResponseException a head that is not HTTP/1.x, a length that is malformed or over the
     *                           limit, a transfer coding; the connection cannot be read further
     */
    public Response feed(ByteBuffer in, boolean headRequest) throws ResponseException {
        if (streaming) throw new IllegalStateException("the rest of the connection is the last response's body");
        while (true) {
            if (head == null) {
                if (!in.hasRemaining()) return null;
                if (headParser == null) headParser = new ResponseHeadParser();
                ResponseHead parsed = headParser.feed(in);
                if (parsed == null) return null;
                headParser = null;
                int status = parsed.status();
                if (status >= 100 && status < 200 && status != 101) {
                    skipped += parsed.bytes(); // an interim answer: the real one follows
                    continue;
                }
                if (headRequest || status < 200 || status == 204 || status == 304) return complete(parsed, EMPTY, 0);
                if (parsed.header("transfer-encoding") != null) {
                    throw new ResponseException(status, "a response body in a transfer coding ("
                            + parsed.headerJoined("transfer-encoding") + "): not read here");
                }
                String length = parsed.headerJoined("content-length");
                if (length == null) {
                    streaming = true;
                    return new Response(parsed, null, skipped + parsed.bytes());
                }
                long size = contentLength(length, status);
                if (size > maxBodyBytes) throw new ResponseException(status, "response body of " + size + " bytes, over " + maxBodyBytes);
                if (size == 0) return complete(parsed, EMPTY, 0);
                head = parsed;
                body = new byte[(int) size];
                bodyLength = 0;
            }
            int n = Math.min(in.remaining(), body.length - bodyLength);
            in.get(body, bodyLength, n);
            bodyLength += n;
            if (bodyLength < body.length) return null;
            ResponseHead done = head;
            head = null;
            return complete(done, body, body.length);
        }
    }

    /** Whether part of a response has arrived and the rest has not. */
    public boolean inProgress() {
        return head != null || (headParser != null && headParser.started());
    }

    private Response complete(ResponseHead parsed, byte[] content, int contentBytes) {
        Response response = new Response(parsed, content, skipped + parsed.bytes() + contentBytes);
        skipped = 0;
        body = null;
        return response;
    }

    private static long contentLength(String value, int status) throws ResponseException {
        try {
            return ContentLength.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ResponseException(status, e.getMessage() + ": " + ResponseHeadParser.abbreviate(value));
        }
    }
}
