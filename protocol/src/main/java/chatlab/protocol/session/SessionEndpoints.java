package chatlab.protocol.session;

import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.QueryString;
import chatlab.protocol.http.RequestDecoder.Request;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.Response;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PROTOCOL.md's HTTP transports, decided without I/O: {@code POST /session}, {@code POST /send},
 * {@code GET /poll} and {@code GET /events} turn a whole request into an {@link Outcome}: an
 * answer to write now, a long poll to hold, an event stream to start, or (with a broker, for a
 * session made on another server) a wait for the broker before the request is handled again. How a poll is held and
 * how a stream is fed is the connection's and the model's business, not this class's.
 *
 * <p>Every refusal is an {@link HttpException} whose answer is a JSON body {@code {"error":"..."}}:
 * 400 for a malformed parameter or body, 404 for an unknown or expired session, 405 for a wrong
 * method, 503 when the session table is full. The request was read whole, so the connection may
 * carry on. Thread-safe (no state of its own).
 */
public final class SessionEndpoints {

    /** PROTOCOL.md: {@code wait} is at most 30 seconds. */
    public static final int MAX_WAIT_SECONDS = 30;


    /** What to do with a request. */
    public sealed interface Outcome {
        /** Write this answer now. */
        record Answer(Response response) implements Outcome {}

        /** A long poll with nothing to answer yet: hold it until a message or the deadline. The session is retained. */
        record Hold(HttpSession session, long after, long deadlineNanos) implements Outcome {}

        /** An event stream from the messages above {@code after}. The session is retained. */
        record Stream(HttpSession session, long after) implements Outcome {}

        /**
         * The session is a replica the broker is still fetching: wait for it, then handle the same
         * request again. The session is retained meanwhile.
         */
        record Fetch(HttpSession session) implements Outcome {}
    }

    private SessionEndpoints() {}

    /** Whether {@code path} is one of the four endpoints. */
    public static boolean serves(String path) {
        return switch (path) {
            case "/session", "/send", "/poll", "/events" -> true;
            default -> false;
        };
    }

    /**
     * @param lab where a new session's lab messages run
     * @throws HttpException the 400, 404, 405 or 503 to answer
     */
    public static Outcome handle(Request request, SessionTable sessions, ServerConfig config, ServerCounters counters,
                                 LabRunner lab, long nowNanos) throws HttpException {
        RequestHead head = request.head();
        Map<String, String> query = QueryString.parse(head.query());
        return switch (head.path()) {
            case "/session" -> {
                requireMethod(head, "POST");
                HttpSession session = sessions.create(lab, nowNanos);
                if (session == null) {
                    throw new HttpException(503, "too many sessions (" + config.maxHttpSessions() + "); try again later",
                            "Retry-After: 5\r\n");
                }
                yield new Outcome.Answer(Response.json(200, "{\"sid\":\"" + session.id() + "\"}"));
            }
            case "/send" -> {
                requireMethod(head, "POST");
                HttpSession session = find(query, sessions, nowNanos);
                if (session.isLoading()) yield fetch(session);
                List<JsonNode> messages = messages(request.body(), sessions.json());
                counters.messagesIn(messages.size(), request.body().length);
                if (!session.accept(messages)) throw unknownSession();
                yield new Outcome.Answer(Response.noContent());
            }
            case "/poll" -> {
                requireMethod(head, "GET");
                HttpSession session = find(query, sessions, nowNanos);
                if (session.isLoading()) yield fetch(session);
                long after = number(query.get("after"), "after", 0);
                long wait = number(query.get("wait"), "wait", 0);
                if (wait > MAX_WAIT_SECONDS) throw new HttpException(400, "wait must be 0 to " + MAX_WAIT_SECONDS + " seconds");
                checkAfter(session, after);
                if (wait == 0 || session.lastNumber() > after) {
                    yield new Outcome.Answer(pollAnswer(session, after, config));
                }
                if (!session.retain()) throw unknownSession();
                yield new Outcome.Hold(session, after, nowNanos + TimeUnit.SECONDS.toNanos(wait));
            }
            case "/events" -> {
                requireMethod(head, "GET");
                HttpSession session = find(query, sessions, nowNanos);
                if (session.isLoading()) yield fetch(session);
                String lastEventId = head.header("last-event-id");
                long after = lastEventId != null
                        ? number(lastEventId.trim(), "Last-Event-ID", 0)
                        : number(query.get("after"), "after", 0);
                checkAfter(session, after);
                if (!session.retain()) throw unknownSession();
                yield new Outcome.Stream(session, after);
            }
            default -> throw new IllegalArgumentException("not a session endpoint: " + head.path());
        };
    }

    /**
     * {@code {"last":L,"messages":[...]}} with the session's messages above {@code after}, as many
     * as {@link #answerLimitChars} allows; {@code "gap":true} when some above {@code after} were
     * already dropped from the last 1000.
     */
    public static Response pollAnswer(HttpSession session, long after, ServerConfig config) {
        HttpSession.Batch batch = session.messagesAfter(after, answerLimitChars(config));
        StringBuilder json = new StringBuilder(64).append("{\"last\":").append(batch.last()).append(",\"messages\":[");
        List<Outbound> messages = batch.messages();
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) json.append(',');
            json.append(messages.get(i).json());
        }
        json.append(']');
        if (batch.gap()) json.append(",\"gap\":true");
        return Response.json(200, json.append('}').toString());
    }

    /**
     * How much JSON one poll answer (or one stream's replay) carries at most: a quarter of the
     * outbound bound, so that an answer never makes a reading client look like a slow consumer.
     */
    public static int answerLimitChars(ServerConfig config) {
        return config.outboundBoundBytes() / 4;
    }

    private static HttpSession find(Map<String, String> query, SessionTable sessions, long nowNanos) throws HttpException {
        String sid = query.get("sid");
        if (sid == null || sid.isEmpty()) throw new HttpException(400, "missing sid");
        HttpSession session = sessions.find(sid, nowNanos);
        if (session == null) throw unknownSession();
        if (session.isUnreachable()) throw new HttpException(503, "the broker did not answer for this session; try again", "Retry-After: 1\r\n");
        return session;
    }

    private static Outcome fetch(HttpSession replica) throws HttpException {
        if (!replica.retain()) throw unknownSession();
        return new Outcome.Fetch(replica);
    }

    private static HttpException unknownSession() {
        return new HttpException(404, "unknown or expired session");
    }

    private static void requireMethod(RequestHead head, String method) throws HttpException {
        if (!head.method().equals(method)) throw HttpException.methodNotAllowed(head.method(), method);
    }

    /** A whole number from 0 up, or {@code absent} when there is none. */
    private static long number(String value, String name, long absent) throws HttpException {
        if (value == null) return absent;
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpException(400, name + " must be a whole number from 0 up");
        }
        return Long.parseLong(value);
    }

    private static void checkAfter(HttpSession session, long after) throws HttpException {
        long last = session.lastNumber();
        if (after > last) throw new HttpException(400, "after=" + after + " is beyond this session's last message (" + last + ")");
    }

    /** One JSON object, or an array of them. */
    private static List<JsonNode> messages(byte[] body, ChatJson json) throws HttpException {
        if (body.length == 0) throw new HttpException(400, "empty body: expected a JSON message or an array of them");
        JsonNode root;
        try {
            root = json.parseWhole(body);
        } catch (JacksonException e) {
            String why = e.getOriginalMessage();
            throw new HttpException(400, "body is not JSON: " + (why.length() > 120 ? why.substring(0, 120) + "..." : why));
        } catch (java.io.IOException e) {
            throw new HttpException(400, "body is not JSON");
        }
        if (root == null || root.isMissingNode()) throw new HttpException(400, "empty body: expected a JSON message or an array of them");
        List<JsonNode> messages = new ArrayList<>();
        if (root.isObject()) {
            messages.add(root);
        } else if (root.isArray()) {
            for (JsonNode element : root) {
                if (!element.isObject()) throw new HttpException(400, "every element of the array must be a JSON object");
                messages.add(element);
            }
        } else {
            throw new HttpException(400, "expected a JSON object or an array of them");
        }
        return messages;
    }
}
