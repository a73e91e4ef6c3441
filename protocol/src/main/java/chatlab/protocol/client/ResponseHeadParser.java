package chatlab.protocol.client;

import chatlab.protocol.http.HeaderFields;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Collects an HTTP/1.x response head from bytes that arrive in any split, and parses it once the
 * blank line arrives: the status line (RFC 9112 4) and the header fields. A head over
 * {@link #MAX_HEAD_BYTES} is refused as soon as the limit is passed. One per response.
 */
public final class ResponseHeadParser {

    /** A response head longer than this is refused (a chatlab server's heads are under 300 bytes). */
    public static final int MAX_HEAD_BYTES = 16 * 1024;

    /** Lines end in CRLF, or a bare LF (RFC 9112 2.2); compiled once, as a load generator parses many heads. */
    private static final Pattern LINE_END = Pattern.compile("\r?\n");

    private byte[] head = new byte[256];
    private int length;

    /**
     * Consumes bytes up to and including the end of the head, leaving whatever follows (the body,
     * or a WebSocket's first frames) in {@code in}.
     *
     * @return the head once complete, else null
     * @throws ResponseException past the size limit, or for a head that is not an HTTP/1.x response
     */
    public ResponseHead feed(ByteBuffer in) throws ResponseException {
        while (in.hasRemaining()) {
            if (length == head.length) {
                if (length >= MAX_HEAD_BYTES) throw new ResponseException(-1, "response head over " + MAX_HEAD_BYTES + " bytes");
                head = Arrays.copyOf(head, Math.min(MAX_HEAD_BYTES, head.length * 2));
            }
            head[length++] = in.get();
            int n = length;
            boolean crlf = n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n';
            // RFC 9112 2.2 lets a recipient take a bare LF as a line's end.
            if (crlf || n >= 2 && head[n - 2] == '\n' && head[n - 1] == '\n') return parse();
        }
        return null;
    }

    /** Whether any byte of the head has arrived. */
    public boolean started() { return length > 0; }

    private ResponseHead parse() throws ResponseException {
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = LINE_END.split(text);
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new ResponseException(-1, "not an HTTP/1.x response: " + abbreviate(lines[0]));
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 100 || code > 999 || status[1].length() != 3) throw new ResponseException(-1, "not an HTTP status: " + abbreviate(lines[0]));
        Map<String, List<String>> headers;
        try {
            headers = HeaderFields.parse(lines);
        } catch (IllegalArgumentException e) {
            throw new ResponseException(code, e.getMessage());
        }
        return new ResponseHead(status[0], code, status.length > 2 ? status[2] : "", headers, length);
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
