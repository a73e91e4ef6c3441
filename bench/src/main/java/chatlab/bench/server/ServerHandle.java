package chatlab.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A running server under test, wherever it runs: its address, the process to sample, its {@code /stats}. */
public interface ServerHandle extends AutoCloseable {

    String model();

    InetSocketAddress address();

    /** The process that serves (for node-ws: node itself, not its launcher). */
    long pid();

    /** The server's {@code GET /stats}. */
    default JsonNode stats() throws IOException {
        return StatsClient.get(address(), false);
    }

    /** The server's {@code GET /stats?gc=1}: a full GC first, then the snapshot with {@code heapLiveBytes}. */
    default JsonNode statsAfterFullGc() throws IOException {
        return StatsClient.get(address(), true);
    }

    /** Null while the server runs; once it is gone, what is known of why. */
    String deathNote();

    /** Stops the server; returns once it is gone (or was killed). */
    @Override
    void close();
}
