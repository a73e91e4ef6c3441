package chatlab.peers;

import chatlab.protocol.http.Handshake;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.Response;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.StaticFiles;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain-HTTP side of the Java peers, routed like the core models: {@code /stats}, the browser
 * page and its files ({@link StaticFiles}; the page can only use its WebSocket transport here), 404, 405, and the 400/426 answer to a WebSocket handshake that will not be upgraded. Each
 * library parses the request its own way; this class only decides the answer, so that the three
 * peers cannot drift apart. It counts nothing: the caller knows whether the request reached it.
 */
public final class PeerHttp {

    public static final String CHAT_PATH = "/ws";
    public static final String ECHO_PATH = "/echo";

    /** The two WebSocket endpoints of PROTOCOL.md. */
    public enum Endpoint { CHAT, ECHO }

    /**
     * A complete answer, after which the exchange is over.
     *
     * @param headers every header but Content-Type and Content-Length, in order, the caching policy included
     */
    public record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {

        /** A plain-text answer that must not be cached, with one extra header when {@code headerName} is not null. */
        public static Answer text(int status, String body, String headerName, String headerValue) {
            return uncached(status, TEXT, body, headerName, headerValue);
        }

        static Answer uncached(int status, String contentType, String body, String headerName, String headerValue) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Cache-Control", "no-store");
            if (headerName != null) headers.put(headerName, headerValue);
            return new Answer(status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
        }

        /** The browser page or one of its files (200, or 304 when the client's copy is current). */
        static Answer of(StaticFiles.Answer file) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Cache-Control", file.cacheControl());
            headers.put("ETag", file.etag());
            headers.put("X-Content-Type-Options", "nosniff");
            return new Answer(file.status(), file.contentType(), file.body(), headers);
        }

        public boolean isReject() { return status >= 400; }

        /** The whole response with {@code Connection: close}, for a peer that writes it to the socket itself. */
        public byte[] toBytes() {
            StringBuilder lines = new StringBuilder();
            headers.forEach((name, value) -> lines.append(name).append(": ").append(value).append("\r\n"));
            return (status == 304 ? new Response(304, null, null, lines.toString()) : new Response(status, contentType, body, lines.toString()))
                    .toBytes(Response.Connection.CLOSE);
        }
    }

    private static final String TEXT = "text/plain; charset=utf-8";

    private PeerHttp() {}

    /** The WebSocket endpoint served at {@code path} (no query), or null. */
    public static Endpoint endpoint(String path) {
        return switch (path) {
            case CHAT_PATH -> Endpoint.CHAT;
            case ECHO_PATH -> Endpoint.ECHO;
            default -> null;
        };
    }

    /**
     * Checks an upgrade request for {@code /ws} or {@code /echo} against PROTOCOL.md's handshake
     * rules (the same checks as the core models).
     *
     * @return null when the handshake may go ahead, else the 405, 400 or 426 to answer
     */
    public static Answer checkUpgrade(RequestHead head) {
        if (!"GET".equals(head.method())) return methodNotAllowed(head.method());
        try {
            Handshake.accept(head);
            return null;
        } catch (HttpException e) {
            String header = e.status() == 426 ? "Sec-WebSocket-Version" : null;
            return Answer.text(e.status(), e.getMessage() + "\n", header, header == null ? null : "13");
        }
    }

    /**
     * The answer to a request that does not become a WebSocket: the browser page and its files,
     * {@code /stats}, or an error. A request for {@code /ws} or {@code /echo} that gets here was
     * refused, and the answer names the reason.
     */
    public static Answer answer(RequestHead head, ServerContext context) {
        String model = context.model();
        String path = head.path();
        if (endpoint(path) != null) {
            Answer refused = checkUpgrade(head);
            return refused != null ? refused : Answer.text(400, "the WebSocket handshake was refused\n", null, null);
        }
        if (path.equals("/stats")) {
            return "GET".equals(head.method())
                    ? Answer.uncached(200, "application/json", context.stats(head.query()).toJson(), null, null)
                    : methodNotAllowed(head.method());
        }
        try {
            StaticFiles.Answer file = StaticFiles.answer(head);
            return file != null ? Answer.of(file) : Answer.text(404, "no such endpoint: " + abbreviate(path) + "\n", null, null);
        } catch (HttpException e) {
            return e.status() == 405 ? methodNotAllowed(head.method()) : Answer.text(e.status(), e.getMessage() + "\n", null, null);
        }
    }

    private static Answer methodNotAllowed(String method) {
        return Answer.text(405, abbreviate(method) + " is not allowed here; use GET\n", "Allow", "GET");
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
