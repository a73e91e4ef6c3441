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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A loopback TCP proxy in front of a server that counts the bytes it forwards each way: what the
 * clients' sockets really carried, measured outside the generator, for a test to hold the
 * generator's own counts against.
 */
final class CountingProxy implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition counted = lock.newCondition();
    /** Bytes forwarded from the clients to the server, and back. Guarded by {@link #lock}. */
    private long up;
    private long down;
    private final ServerSocket listener = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
    private final InetSocketAddress target;
    /** One party per pump still copying, plus the proxy's own. */
    private final Phaser pumps = new Phaser(1);

    CountingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    int port() { return listener.getLocalPort(); }

    long up() {
        lock.lock();
        try {
            return up;
        } finally {
            lock.unlock();
        }
    }

    long down() {
        lock.lock();
        try {
            return down;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until exactly {@code up} and {@code down} bytes have been forwarded; false when the timeout passes first. */
    boolean awaitCounts(long expectedUp, long expectedDown, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (up != expectedUp || down != expectedDown) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                counted.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

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
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        pumps.register();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    forwarded(upstream, n);
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

    private void forwarded(boolean upstream, int n) {
        lock.lock();
        try {
            if (upstream) up += n;
            else down += n;
            counted.signalAll();
        } finally {
            lock.unlock();
        }
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
