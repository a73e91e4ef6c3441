package chatlab.peers;

import chatlab.protocol.http.Handshake;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.HttpResponses;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.server.IndexPage;
import chatlab.protocol.server.ServerCounters;

/**
 * The plain-HTTP side of the Java peers, routed like the core models: {@code /stats}, {@code /},
 * 404, 405, and the 400/426 answer to a WebSocket handshake that will not be upgraded. Each
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
     * @param headerName an extra response header ({@code Allow}, {@code Sec-WebSocket-Version}), or null
     */
    public record Answer(int status, String contentType, String body, String headerName, String headerValue) {

        public boolean isReject() { return status >= 400; }

        /** The whole response with {@code Connection: close}, for a peer that writes it to the socket itself. */
        public byte[] toBytes() {
            String extra = headerName == null ? "" : headerName + ": " + headerValue + "\r\n";
            return HttpResponses.response(status, contentType, body, extra);
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
            return new Answer(e.status(), TEXT, e.getMessage() + "\n", header, header == null ? null : "13");
        }
    }

    /**
     * The answer to a request that does not become a WebSocket: the index page, {@code /stats},
     * or an error. A request for {@code /ws} or {@code /echo} that gets here was refused, and the
     * answer names the reason.
     */
    public static Answer answer(RequestHead head, String model, ServerCounters counters) {
        String path = head.path();
        if (endpoint(path) != null) {
            Answer refused = checkUpgrade(head);
            return refused != null ? refused
                    : new Answer(400, TEXT, "the WebSocket handshake was refused\n", null, null);
        }
        return switch (path) {
            case "/stats" -> "GET".equals(head.method())
                    ? new Answer(200, "application/json", counters.snapshot(model, head.query()).toJson(), null, null)
                    : methodNotAllowed(head.method());
            case "/", "/index.html" -> "GET".equals(head.method())
                    ? new Answer(200, "text/html; charset=utf-8", IndexPage.html(model), null, null)
                    : methodNotAllowed(head.method());
            default -> new Answer(404, TEXT, "no such endpoint: " + abbreviate(path) + "\n", null, null);
        };
    }

    private static Answer methodNotAllowed(String method) {
        return new Answer(405, TEXT, abbreviate(method) + " is not allowed here; use GET\n", "Allow", "GET");
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
