package chatlab.protocol.server;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One chat server of any model: what the CLI, the tests and the benchmark harness start and stop.
 *
 * <p>Each instance owns all of its state (hub, counters, threads), so two servers in one JVM share
 * nothing. Implementations are found by model name through {@link ChatServers}.
 */
public interface ChatServer extends AutoCloseable {

    /** The model name, as on the command line and in {@code /stats}: {@code evented}, {@code jetty}, ... */
    String model();

    /**
     * Binds and starts accepting. Returns once connections are accepted.
     *
     * @param host the address to bind, for example {@code 127.0.0.1}
     * @param port the port, {@code 0} for any free one
     * @return the address actually bound
     */
    InetSocketAddress start(String host, int port) throws IOException;

    /** A snapshot of the counters and the process figures, as served on {@code /stats}. */
    StatsSnapshot stats();

    /** Stops accepting, closes every WebSocket with 1001, releases threads; idempotent. */
    @Override
    void close();
}
