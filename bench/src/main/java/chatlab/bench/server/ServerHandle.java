package chatlab.bench.server;

import chatlab.protocol.server.Implementation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A running server under test, wherever it runs: its address, the process to sample, its {@code /stats}. */
public interface ServerHandle extends AutoCloseable {

    /** Its name in the results: the model, or a lab's label for a model run with settings of its own. */
    String model();

    /** The implementation behind {@link #model()}, or null when the name is none of the seven. */
    default Implementation implementation() { return Implementation.find(model()); }

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
