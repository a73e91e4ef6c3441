package chatlab.bench.load;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One non-blocking socket of a {@link LoadClient} (a WebSocket, a persistent HTTP connection, an
 * event stream): its channel, its selection key, and the bytes the socket has not taken yet.
 * Touched by the generator's selector thread only; {@link LoadGenerator} reads, writes and closes it.
 */
final class ClientSocket {

    final LoadClient client;
    final SocketChannel channel;
    final ArrayDeque<ByteBuffer> unsent = new ArrayDeque<>(2);
    SelectionKey key;
    boolean connected;
    boolean closed;

    ClientSocket(LoadClient client, SocketChannel channel) {
        this.client = client;
        this.channel = channel;
    }
}
