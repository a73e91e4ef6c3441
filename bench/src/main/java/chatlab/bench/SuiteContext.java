package chatlab.bench;

import chatlab.bench.load.GeneratorPool;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.procfs.ProcSample;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerLauncher;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/**
 * What every suite needs: a way to start servers, a way to make generators, where the rows go,
 * and how connections are spread and paced.
 *
 * @param launcher             starts a fresh server per suite and implementation
 * @param generators           makes generator n (in this JVM for tests, a child process for real runs)
 * @param recorder             the run's rows and progress lines
 * @param maxPerGenerator      connections one generator holds at most (its process's file limit bounds it)
 * @param sourceAddresses      local addresses to connect from (null = the kernel's choice)
 * @param perAddress           connections per source address (below one ephemeral-port range)
 * @param maxInFlight          connects in progress at once, per generator
 * @param perConnectionTimeoutMillis a connection not ready this long after it started has failed
 * @param settleMillis         pause after connecting before sampling the server (its GC and JIT settle)
 */
public record SuiteContext(
        ServerLauncher launcher,
        GeneratorPool.Factory generators,
        Recorder recorder,
        int maxPerGenerator,
        List<String> sourceAddresses,
        int perAddress,
        int maxInFlight,
        long perConnectionTimeoutMillis,
        long settleMillis) {

    public GeneratorPool pool(ServerHandle server, String path, int roomSize) {
        var connecting = new GeneratorPool.Connecting(server.address().getHostString(), server.address().getPort(), path,
                roomSize, maxInFlight, perConnectionTimeoutMillis, 30_000, 50_000, Math.max(50, maxInFlight));
        return new GeneratorPool(generators, connecting, maxPerGenerator, sourceAddresses, perAddress);
    }

    /** The server process's figures, from /proc when there is one, else from its /stats. */
    public static ProcSample sample(ServerHandle server) throws IOException {
        if (ProcReader.available()) return ProcReader.sample(server.pid());
        JsonNode stats = server.stats();
        return new ProcSample(server.pid(), stats.path("rssBytes").asLong(-1), stats.path("threads").asInt(-1), 0, 0, 0);
    }

    /** The server's /stats, or an empty object when it does not answer (the row still gets written). */
    public static JsonNode statsOrEmpty(ServerHandle server) {
        try {
            return server.stats();
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    public void settle() {
        if (settleMillis <= 0) return;
        try {
            Thread.sleep(settleMillis); // a measurement pause, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
