package chatlab.protocol.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Collects an HTTP/1.1 request head from bytes that arrive in any split, and parses it once the
 * blank line arrives. A head over {@link #MAX_HEAD_BYTES} is refused with 431 as soon as the
 * limit is passed, so a client cannot make the server buffer more. One instance per connection.
 */
public final class RequestHeadParser {

    /** PROTOCOL.md: a request head over 8 KiB is 431. */
    public static final int MAX_HEAD_BYTES = 8 * 1024;

    /** Grows up to the limit: most heads are a few hundred bytes, and idle connections are many. */
    private byte[] head = new byte[512];
    private int length;

    /**
     * Consumes bytes up to and including the end of the head (leaving anything after it in
     * {@code in}, which for a WebSocket client is its first frame).
     *
     * @return the parsed head, or null while it is incomplete
     * @throws HttpException 431 past the size limit, 400 for a malformed head
     */
    public RequestHead feed(ByteBuffer in) throws HttpException {
        while (in.hasRemaining()) {
            if (length == MAX_HEAD_BYTES) {
                throw new HttpException(431, "request head over " + MAX_HEAD_BYTES + " bytes");
            }
            if (length == head.length) head = java.util.Arrays.copyOf(head, Math.min(head.length * 2, MAX_HEAD_BYTES));
            head[length++] = in.get();
            if (endsWithBlankLine()) {
                return parse();
            }
        }
        return null;
    }

    /** Whether any byte of a head has arrived (a connection that sent nothing is not a slowloris yet). */
    public boolean started() { return length > 0; }

    private boolean endsWithBlankLine() {
        if (length >= 4 && head[length - 4] == '\r' && head[length - 3] == '\n' && head[length - 2] == '\r' && head[length - 1] == '\n') {
            return true;
        }
        // Tolerate bare LF line ends (RFC 9112 2.2 allows a recipient to).
        return length >= 2 && head[length - 2] == '\n' && head[length - 1] == '\n';
    }

    private RequestHead parse() throws HttpException {
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        String version = requestLine[2];
        if (!version.startsWith("HTTP/1.")) {
            throw new HttpException(505, "only HTTP/1.1 is served");
        }
        try {
            return new RequestHead(requestLine[0], requestLine[1], version, HeaderFields.parse(lines));
        } catch (IllegalArgumentException e) {
            throw new HttpException(400, e.getMessage());
        }
    }
}
