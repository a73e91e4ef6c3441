package my;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Exercise 4a: an echo server with a thread per connection, blocking sockets.
 *
 * <p>One thread accepts; each connection gets a thread of its own that reads, hands the bytes to
 * its {@link EchoSession} and writes back what the session answers, top to bottom. Write the
 * threading and the sockets; the session does the protocol.
 *
 * <p>Check it: {@code ./chatlab exercise check 4 --class my.ThreadedEchoServer}; then measure it
 * with {@code ./chatlab bench echo}, as docs/exercises/4-echo.md shows.
 */
public class ThreadedEchoServer implements ChatServer {

    private final ServerConfig config;
    private final ServerCounters counters = new ServerCounters();
    private ServerSocket serverSocket;

    public ThreadedEchoServer(ServerConfig config) {
        this.config = config;
    }

    @Override
    public String model() {
        return "my-threaded-echo";
    }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        // TODO 1: bind a ServerSocket to (host, port) - port 0 means any free port - and keep it.
        // TODO 2: start one thread that calls accept() in a loop and starts a thread running
        //         serve(socket) for each connection (Thread.ofPlatform(), or Thread.ofVirtual()).
        //         When accept() throws because close() closed the ServerSocket, the loop ends.
        // TODO 3: return the address actually bound (serverSocket.getLocalSocketAddress()).
        throw new UnsupportedOperationException("start is not written yet (TODO 1 to 3)");
    }

    /** One connection, on its own thread. */
    private void serve(Socket socket) {
        EchoSession session = new EchoSession(model(), config, counters);
        // TODO 4: read into a byte[] in a loop; give what you read to session.onRead(ByteBuffer.wrap(buffer, 0, n))
        //         and write what it returns to the socket's OutputStream. read() returns -1 when the client is gone.
        // TODO 5: once session.isDone() after a write: socket.shutdownOutput(), then read and drop until -1
        //         (setSoTimeout a few seconds, in case the client never closes), then close the socket.
        //         Closing at once, with the client's bytes unread, resets the connection: the client
        //         may then never read your close frame.
        // TODO 6: call session.onClosed() once, however the connection ends (try/finally).
    }

    @Override
    public StatsSnapshot stats() {
        return counters.snapshot(model());
    }

    @Override
    public void close() {
        // TODO 7: close the ServerSocket (if start() made one) and the sockets still open, so every thread ends.
    }
}
