package chatlab.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a server that counts the bytes it forwards each way: what the
 * clients' sockets really carried, measured outside the generator, for a test to hold the
 * generator's own counts against.
 */
final class CountingProxy implements AutoCloseable {

    final AtomicLong up = new AtomicLong();
    final AtomicLong down = new AtomicLong();
    private final ServerSocket listener = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
    private final InetSocketAddress target;
    /** One party per pump still copying, plus the proxy's own. */
    private final Phaser pumps = new Phaser(1);

    CountingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    int port() { return listener.getLocalPort(); }

    /** Waits until every connection's two pumps have ended (both sides closed). */
    void awaitQuiet(long timeoutMillis) throws InterruptedException, TimeoutException {
        int phase = pumps.arrive();
        pumps.awaitAdvanceInterruptibly(phase, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                pump(client, server, up);
                pump(server, client, down);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        pumps.register();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    counter.addAndGet(n);
                }
            } catch (IOException e) {
                // One side is gone: close both below.
            } finally {
                close(from);
                close(to);
                pumps.arriveAndDeregister();
            }
        });
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
