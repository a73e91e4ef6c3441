package chatlab.bench.load;

import chatlab.protocol.client.ResponseDecoder;
import chatlab.protocol.client.ResponseException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A chat client over PROTOCOL.md's HTTP transports, doing what a browser's page does: create a
 * session ({@code POST /session}), join its room ({@code POST /send} with a {@code join}), then
 * receive, the way its subclass says (short polls, a held long poll, an event stream), passing on
 * the number of the last message it has ({@code after} or {@code Last-Event-ID}); it says things
 * with {@code POST /send}. Requests and sends share one persistent connection ({@link HttpConnection});
 * a long poll or an event stream has a second one of its own.
 *
 * <p>Its requests carry what the server needs and no more: the request line, {@code Host}, and for
 * a body its {@code Content-Type} and {@code Content-Length} (a browser adds its own headers).
 */
abstract class HttpChatClient extends LoadClient {

    private static final JsonFactory JSON = new JsonFactory();

    final HttpConnection requests = new HttpConnection(this);
    private final String host;
    String sid;
    /** The number of the last message of its session it has: the next {@code after}. */
    long last;

    HttpChatClient(LoadGenerator generator, ConnectPlan plan, int index) {
        super(generator, plan, index);
        this.host = plan.host() + ":" + plan.port();
    }

    /** Starts receiving once joined; the first answer carries {@code joined}. */
    abstract void startReceiving() throws IOException;

    @Override
    void start() throws IOException {
        requests.submit(post("/session", ""), Traffic.Part.SETUP, "POST /session", this::sessionCreated);
    }

    @Override
    void connected(ClientSocket socket) throws IOException {
        if (state == State.CONNECTING) state = State.OPENING;
        if (requests.owns(socket)) requests.connected();
    }

    @Override
    void read(ClientSocket socket, ByteBuffer in) throws IOException {
        if (requests.owns(socket)) requests.read(in);
    }

    @Override
    void ended(ClientSocket socket) throws IOException {
        if (requests.owns(socket)) requests.ended();
    }

    @Override
    void say(String json) throws IOException {
        requests.submit(post("/send?sid=" + sid, json), part(Traffic.Part.SEND), "POST /send", r -> expect(r, 204, "POST /send"));
    }

    @Override
    void close() {
        requests.close();
    }

    private void sessionCreated(ResponseDecoder.Response response) throws IOException {
        expect(response, 200, "POST /session");
        sid = sid(response.body());
        requests.submit(post("/send?sid=" + sid, joinMessage()), Traffic.Part.SETUP, "POST /send (join)", r -> {
            expect(r, 204, "POST /send (join)");
            state = State.JOINING;
            startReceiving();
        });
    }

    /** A poll's answer: its messages to the generator, and its {@code last} as the next {@code after}. */
    void pollAnswered(ResponseDecoder.Response response, String what) throws IOException {
        expect(response, 200, what);
        PollAnswer answer = PollAnswer.parse(response.body());
        if (answer.last() < last) throw new ResponseException(200, what + " went back from " + last + " to " + answer.last());
        last = answer.last();
        if (answer.messages().isEmpty() && state == State.READY) generator.traffic().emptyAnswer();
        for (ServerMessage message : answer.messages()) generator.chat(this, message);
    }

    /** {@code GET /poll} from the last message it has, holding for {@code waitSeconds} (0: short polling). */
    byte[] poll(int waitSeconds) {
        return get("/poll?sid=" + sid + "&after=" + last + "&wait=" + waitSeconds, "");
    }

    byte[] get(String target, String extraHeaders) {
        return ("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] post(String target, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + content.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(content, 0, request, head.length, content.length);
        return request;
    }

    static void expect(ResponseDecoder.Response response, int status, String what) throws ResponseException {
        if (response.status() == status) return;
        String body = response.body() == null ? "" : new String(response.body(), 0, Math.min(200, response.body().length), StandardCharsets.UTF_8);
        throw new ResponseException(response.status(), what + " answered " + response.status() + (body.isEmpty() ? "" : ": " + body.strip()));
    }

    private static String sid(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw new ResponseException(200, "POST /session answered no JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("sid") && parser.currentToken() == JsonToken.VALUE_STRING) return parser.getText();
                parser.skipChildren();
            }
        }
        throw new ResponseException(200, "POST /session answered no sid");
    }
}
