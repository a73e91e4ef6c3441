package chatlab.bench.load;

import chatlab.protocol.client.ResponseDecoder;
import chatlab.protocol.client.ResponseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A persistent HTTP/1.1 connection of an {@link HttpChatClient}, used the way a browser uses one:
 * one request at a time (no pipelining), the next written when the previous is answered, the
 * connection kept between them. When the server closes it between requests (its keep-alive
 * timeout, or an answer with {@code Connection: close}), the next request opens a new one, as a
 * browser does; a close with a request outstanding fails the client.
 */
final class HttpConnection {

    /** What to do with an answer; an exception fails the client. */
    @FunctionalInterface
    interface Answer {
        void on(ResponseDecoder.Response response) throws IOException;
    }

    /** Requests waiting behind the one outstanding; past it the server is not keeping up and the client gives up. */
    static final int MAX_WAITING = 64;

    private record Exchange(byte[] request, Traffic.Part part, String what, Answer answer) {}

    private final LoadClient client;
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private ClientSocket socket;
    private ResponseDecoder decoder;
    private Exchange outstanding;

    HttpConnection(LoadClient client) {
        this.client = client;
    }

    /** Sends {@code request} once the ones before it are answered; {@code what} names it in errors. */
    void submit(byte[] request, Traffic.Part part, String what, Answer answer) throws IOException {
        if (waiting.size() >= MAX_WAITING) {
            throw new IOException(MAX_WAITING + " requests waiting on one connection (" + what + " next): the server does not keep up");
        }
        waiting.add(new Exchange(request, part, what, answer));
        next();
    }

    /** Requests written and not answered, or waiting: 0 when the connection is idle. */
    int pending() { return waiting.size() + (outstanding != null ? 1 : 0); }

    boolean owns(ClientSocket s) { return s != null && s == socket; }

    void connected() throws IOException {
        next();
    }

    void read(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            if (outstanding == null) throw new ResponseException(-1, "bytes from the server with no request outstanding");
            ResponseDecoder.Response response = decoder.feed(in, false);
            if (response == null) return;
            Exchange done = outstanding;
            outstanding = null;
            if (response.untilClose()) throw new ResponseException(response.status(), "an answer to " + done.what + " without a length");
            client.generator.traffic().down(done.part, response.wireBytes());
            boolean closes = response.head().hasToken("connection", "close");
            if (closes) drop(); // the server ends the connection after this answer: the next request opens another
            done.answer.on(response);
            next();
            if (closes) return;
        }
    }

    void ended() throws IOException {
        Exchange lost = outstanding;
        drop();
        if (lost != null) throw new IOException("server closed the connection during " + lost.what);
        next();
    }

    void close() {
        drop();
        waiting.clear();
    }

    private void drop() {
        if (socket != null) client.generator.close(socket);
        socket = null;
        outstanding = null;
    }

    private void next() throws IOException {
        if (outstanding != null || waiting.isEmpty()) return;
        if (socket == null) {
            socket = client.generator.open(client);
            decoder = new ResponseDecoder(LoadClient.MAX_MESSAGE_BYTES);
        }
        if (!socket.connected) return; // connected() comes back here
        outstanding = waiting.poll();
        client.generator.traffic().request(outstanding.part, outstanding.request.length);
        client.generator.write(socket, outstanding.request);
    }
}
