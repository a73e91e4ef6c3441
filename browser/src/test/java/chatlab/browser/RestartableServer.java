package chatlab.browser;

import chatlab.protocol.UnderTest;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One model's server in this JVM, on a free loopback port, that a scenario can stop and start
 * again on the same port. The new instance shares nothing with the old one: its rooms, history and
 * numbering start empty, as after a real restart.
 */
final class RestartableServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final String model;
    private final ServerConfig config;
    private final int port;
    private ChatServer server;

    /** {@code config} gets the pieces {@link UnderTest} names (a student's handshake and transport, in the exercise track). */
    RestartableServer(String model, ServerConfig config) {
        this.model = model;
        this.config = UnderTest.plugInto(config);
        this.server = ChatServers.create(model, this.config);
        try {
            this.port = server.start(HOST, 0).getPort();
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(model + " did not start", e);
        }
    }

    String base() {
        return "http://" + HOST + ":" + port + "/";
    }

    synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts a new instance on the same port (retrying a few times while the old socket lets go of it). */
    synchronized void start() {
        if (server != null) return;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ChatServer next = ChatServers.create(model, config);
            try {
                next.start(HOST, port);
                server = next;
                return;
            } catch (BindException e) {
                next.close();
                if (System.nanoTime() > deadline) throw new UncheckedIOException("port " + port + " stayed taken", e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // no event tells when the kernel lets go
            } catch (IOException e) {
                next.close();
                throw new UncheckedIOException(model + " did not start again on port " + port, e);
            }
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(HOST, port);
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
