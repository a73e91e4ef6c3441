package chatlab.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Long polling: {@code GET /poll?wait=30} on a connection of its own (a held poll would delay the
 * sends queued behind it on a shared one), asked again from the new {@code last} as soon as it is
 * answered; between messages the server holds it. Its sends go over the other connection.
 */
final class LongPollClient extends HttpChatClient {

    /** The longest hold PROTOCOL.md allows: the fewest empty answers when nothing happens. */
    static final int WAIT_SECONDS = 30;

    private final HttpConnection polls = new HttpConnection(this);

    LongPollClient(LoadGenerator generator, ConnectPlan plan, int index) {
        super(generator, plan, index);
    }

    @Override
    void startReceiving() throws IOException {
        poll();
    }

    private void poll() throws IOException {
        polls.submit(poll(WAIT_SECONDS), part(Traffic.Part.RECEIVE), "GET /poll (long)", response -> {
            pollAnswered(response, "GET /poll (long)");
            if (state != State.CLOSED) poll();
        });
    }

    @Override
    void connected(ClientSocket socket) throws IOException {
        super.connected(socket);
        if (polls.owns(socket)) polls.connected();
    }

    @Override
    void read(ClientSocket socket, ByteBuffer in) throws IOException {
        if (polls.owns(socket)) polls.read(in);
        else super.read(socket, in);
    }

    @Override
    void ended(ClientSocket socket) throws IOException {
        if (polls.owns(socket)) polls.ended();
        else super.ended(socket);
    }

    @Override
    void close() {
        polls.close();
        super.close();
    }
}
