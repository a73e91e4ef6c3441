package my;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * Exercise 4b: an echo server with one event loop: one thread, one {@link Selector},
 * non-blocking sockets.
 *
 * <p>The loop thread does everything for every connection: accept, read, hand the bytes to the
 * connection's {@link EchoSession}, write what it answers. It must never block, so a write the
 * socket does not take whole waits in the connection's queue for {@code OP_WRITE}.
 *
 * <p>Check it: {@code ./chatlab exercise check 4 --class my.LoopEchoServer}; then measure it
 * with {@code ./chatlab bench echo}, as docs/exercises/4-echo.md shows.
 */
public class LoopEchoServer implements ChatServer {

    private final ServerConfig config;
    private final ServerCounters counters = new ServerCounters();
    private Selector selector;
    private ServerSocketChannel serverChannel;
    private Thread loop;

    public LoopEchoServer(ServerConfig config) {
        this.config = config;
    }

    @Override
    public String model() {
        return "my-loop-echo";
    }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        // TODO 1: open the Selector and a ServerSocketChannel, bind it to (host, port), make it
        //         non-blocking and register it for OP_ACCEPT.
        // TODO 2: start the loop thread running loop(), and return serverChannel.getLocalAddress().
        throw new UnsupportedOperationException("start is not written yet (TODO 1 and 2)");
    }

    /** The loop thread: everything happens here. */
    private void loop() {
        // TODO 3: while the selector is open: select(), then for each selected key (remove it from the set):
        //         - acceptable: accept() every waiting connection, make it non-blocking, register it
        //           for OP_READ with a new Connection attached (key.attach, or register's third argument);
        //         - writable: write what the connection's queue holds (TODO 5);
        //         - readable: read into a ByteBuffer; -1 means the client is gone: close the channel and
        //           call session.onClosed(); else flip the buffer, queue what session.onRead answers, write.
        // TODO 4: a done session whose queue is empty: channel.shutdownOutput(), then keep reading until -1.
        // TODO 5: writing: write the queue's head until the socket takes no more (a partly written
        //         buffer stays first). Something left: interest OP_READ | OP_WRITE. Nothing left: OP_READ only.
    }

    /** What the loop keeps for one client. Only the loop thread touches it. */
    private static final class Connection {
        final SocketChannel channel;
        final EchoSession session;
        /** Bytes the socket has not taken yet, oldest first. */
        final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

        Connection(SocketChannel channel, EchoSession session) {
            this.channel = channel;
            this.session = session;
        }
    }

    @Override
    public StatsSnapshot stats() {
        return counters.snapshot(model());
    }

    @Override
    public void close() {
        // TODO 6: stop the loop (selector.close() makes select() throw, or set a flag and selector.wakeup()),
        //         and close the server channel and every connection's channel.
    }
}
