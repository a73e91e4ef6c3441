package chatlab.protocol.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * HTTP/1.1 requests, head and body, from bytes that arrive in any split (one at a time works),
 * one request after another on a persistent connection. The head goes through
 * {@link RequestHeadParser}; the body is framed as the head says (RFC 9112 6.3): by
 * {@code Content-Length}, by the chunked transfer coding (RFC 9112 7.1), or absent. A body is
 * kept whole, up to {@code maxBodyBytes}; a larger one is refused with 413 as soon as its size
 * is known (at the head for {@code Content-Length}, at the chunk that passes the limit), so the
 * server never buffers more than the limit.
 *
 * <p>One state machine, one error path: every violation is an {@link HttpException} thrown from
 * {@link #feed}, after which the decoder is {@code CORRUPT} and accepts nothing more. The framing
 * of what follows is unknown, so the connection answers and closes.
 *
 * <p>Not thread-safe: one per connection, fed by the thread that reads it.
 */
public final class RequestDecoder {

    /** A whole request; {@code body} is empty when there was none. */
    public record Request(RequestHead head, byte[] body) {}

    /** The longest chunk-size line accepted (size plus chunk extensions, which are ignored). */
    static final int MAX_CHUNK_LINE = 1024;

    private static final byte[] NO_BODY = new byte[0];

    private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, CORRUPT }

    private final int maxBodyBytes;
    private State state = State.HEAD;
    /** Only while a head is arriving: an idle persistent connection keeps no buffer. */
    private RequestHeadParser headParser;
    private RequestHead head;
    private byte[] body;
    private int bodyLength;
    /** Bytes still to come of the fixed body or of the current chunk. */
    private long remaining;
    /** The chunk-size or trailer line being read; null between lines. */
    private StringBuilder line;
    private int trailerBytes;
    private boolean continueWanted;

    public RequestDecoder(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Consumes bytes up to the end of one request, leaving whatever follows it in {@code in}
     * (the next pipelined request, or a WebSocket client's first frame).
     *
     * @return the request once complete, else null
     * @throws HttpException 400 for broken framing, 413 for a body over the limit, 431 for a head
     *                       over 8 KiB, 501 for a transfer coding other than chunked, 505 for a version other than 1.x
     */
    public Request feed(ByteBuffer in) throws HttpException {
        if (state == State.CORRUPT) throw new IllegalStateException("the request stream is broken; close the connection");
        try {
            while (true) {
                switch (state) {
                    case HEAD -> {
                        if (!in.hasRemaining()) return null;
                        if (headParser == null) headParser = new RequestHeadParser();
                        RequestHead parsed = headParser.feed(in);
                        if (parsed == null) return null;
                        headParser = null;
                        if (startBody(parsed)) return complete();
                    }
                    case FIXED_BODY -> {
                        copyBody(in);
                        if (remaining > 0) return null;
                        return complete();
                    }
                    case CHUNK_SIZE -> {
                        String sizeLine = readLine(in, MAX_CHUNK_LINE, "chunk-size line over " + MAX_CHUNK_LINE + " bytes");
                        if (sizeLine == null) return null;
                        long size = chunkSize(sizeLine);
                        if (size == 0) {
                            state = State.TRAILER;
                        } else {
                            if (size > maxBodyBytes - bodyLength) throw tooLarge();
                            int needed = (int) (bodyLength + size);
                            if (needed > body.length) body = Arrays.copyOf(body, Math.min(maxBodyBytes, Math.max(needed, body.length * 2)));
                            remaining = size;
                            state = State.CHUNK_DATA;
                        }
                    }
                    case CHUNK_DATA -> {
                        copyBody(in);
                        if (remaining > 0) return null;
                        state = State.CHUNK_DATA_END;
                    }
                    case CHUNK_DATA_END -> {
                        String end = readLine(in, 1, "chunk data longer than its size");
                        if (end == null) return null;
                        if (!end.isEmpty()) throw new HttpException(400, "chunk data longer than its size");
                        state = State.CHUNK_SIZE;
                    }
                    case TRAILER -> {
                        int before = in.position();
                        String field = readLine(in, RequestHeadParser.MAX_HEAD_BYTES, "trailer section over 8 KiB");
                        trailerBytes += in.position() - before;
                        if (trailerBytes > RequestHeadParser.MAX_HEAD_BYTES) throw new HttpException(400, "trailer section over 8 KiB");
                        if (field == null) return null;
                        if (field.isEmpty()) return complete(); // trailer fields are read and ignored
                    }
                    case CORRUPT -> throw new IllegalStateException("unreachable");
                }
            }
        } catch (HttpException e) {
            state = State.CORRUPT;
            throw e;
        }
    }

    /** The head of the request being read (its body may still be arriving, or broken), or null. */
    public RequestHead head() {
        return head;
    }

    /** Whether part of a request has arrived and the rest has not (the request timeout runs). */
    public boolean inProgress() {
        return state != State.HEAD || (headParser != null && headParser.started());
    }

    /**
     * Whether to send {@code 100 Continue} now: true once per request whose head asked for it
     * ({@code Expect: 100-continue}, RFC 9110 10.1.1) and whose body is acceptable and awaited.
     */
    public boolean takeContinue() {
        boolean wanted = continueWanted;
        continueWanted = false;
        return wanted;
    }

    /** Checks the framing fields and prepares for the body; true when there is no body. */
    private boolean startBody(RequestHead parsed) throws HttpException {
        head = parsed;
        java.util.List<String> hosts = parsed.headers().get("host");
        if (!parsed.isHttp10() && hosts == null) throw new HttpException(400, "missing Host header");
        if (hosts != null && hosts.size() > 1) throw new HttpException(400, "more than one Host header");
        String transferEncoding = parsed.headerJoined("transfer-encoding");
        String contentLength = parsed.headerJoined("content-length");
        if (transferEncoding != null) {
            // RFC 9112 6.1 and 6.3: either is a way to smuggle a second request past a proxy.
            if (parsed.isHttp10()) throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
            if (contentLength != null) throw new HttpException(400, "both Transfer-Encoding and Content-Length");
            if (!transferEncoding.trim().equalsIgnoreCase("chunked")) {
                throw new HttpException(501, "only the chunked transfer coding is supported");
            }
            body = new byte[Math.min(maxBodyBytes, 1024)];
            state = State.CHUNK_SIZE;
        } else if (contentLength != null) {
            long length = contentLength(contentLength);
            if (length > maxBodyBytes) throw tooLarge();
            if (length == 0) return true;
            body = new byte[(int) length];
            remaining = length;
            state = State.FIXED_BODY;
        } else {
            return true; // RFC 9112 6.3, rule 7: a request without either has no body
        }
        String expect = parsed.header("expect");
        continueWanted = expect != null && expect.trim().equalsIgnoreCase("100-continue");
        return false;
    }

    private Request complete() {
        byte[] content = body == null ? NO_BODY : bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        Request request = new Request(head, content);
        state = State.HEAD;
        head = null;
        body = null;
        bodyLength = 0;
        remaining = 0;
        trailerBytes = 0;
        continueWanted = false;
        return request;
    }

    private void copyBody(ByteBuffer in) {
        int n = (int) Math.min(remaining, in.remaining());
        in.get(body, bodyLength, n);
        bodyLength += n;
        remaining -= n;
    }

    /** A line up to LF (a CR before it dropped), or null while it is incomplete. */
    private String readLine(ByteBuffer in, int limit, String overLimit) throws HttpException {
        if (line == null) line = new StringBuilder();
        while (in.hasRemaining()) {
            char c = (char) (in.get() & 0xFF);
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') end--;
                String text = line.substring(0, end);
                line = null;
                return text;
            }
            line.append(c);
            if (line.length() > limit + 1) throw new HttpException(400, overLimit); // +1: the CR
        }
        return null;
    }

    private HttpException tooLarge() {
        return new HttpException(413, "request body over " + maxBodyBytes + " bytes");
    }

    /** RFC 9110 8.6: digits; a repeated field must repeat the same value. */
    private static long contentLength(String value) throws HttpException {
        long length = -1;
        for (String part : value.split(",", -1)) {
            String digits = part.trim();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new HttpException(400, "malformed Content-Length");
            }
            long parsed = Long.parseLong(digits);
            if (length >= 0 && parsed != length) throw new HttpException(400, "conflicting Content-Length values");
            length = parsed;
        }
        return length;
    }

    /** RFC 9112 7.1: {@code chunk-size [ chunk-ext ]}, the size in hex; extensions are ignored. */
    private static long chunkSize(String sizeLine) throws HttpException {
        int end = 0;
        while (end < sizeLine.length() && Character.digit(sizeLine.charAt(end), 16) >= 0) end++;
        String rest = sizeLine.substring(end).stripLeading();
        if (end == 0 || end > 15 || !(rest.isEmpty() || rest.startsWith(";"))) {
            throw new HttpException(400, "malformed chunk size '" + abbreviate(sizeLine) + "'");
        }
        return Long.parseLong(sizeLine.substring(0, end).toLowerCase(Locale.ROOT), 16);
    }

    private static String abbreviate(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }
}
