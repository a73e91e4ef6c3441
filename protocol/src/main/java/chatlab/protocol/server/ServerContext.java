package chatlab.protocol.server;

import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.CpuWork;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.session.SessionBroker;
import chatlab.protocol.session.SessionTable;
import java.util.concurrent.Executor;

/**
 * What every connection of one server shares: its model name, limits, rooms, HTTP sessions,
 * counters and JSON mapper. One per server instance (never static), so two servers in one JVM
 * stay apart.
 */
public record ServerContext(String model, ServerConfig config, Rooms hub, SessionTable sessions, ServerCounters counters) {

    /** For a server whose members may be handed messages from any thread (each connection's queue is thread-safe). */
    public static ServerContext create(String model, ServerConfig config) {
        return create(model, config, Runnable::run);
    }

    /**
     * @param deliveries where answers that a broker produces on its own threads are handed to
     *     members: an event loop passes a way onto the loop; only used with a broker
     */
    public static ServerContext create(String model, ServerConfig config, Executor deliveries) {
        if (config.lab()) CpuWork.prepare(); // measured now, not in a client's first compute
        ServerCounters counters = new ServerCounters();
        Rooms hub = Rooms.create(config, counters, deliveries);
        SessionBroker broker = hub instanceof SessionBroker shared ? shared : null;
        return new ServerContext(model, config, hub, new SessionTable(hub, config, counters, broker), counters);
    }

    /** The server's JSON mapper (the hub's), with the recycler pool its config names. */
    public ChatJson json() {
        return hub.json();
    }

    public StatsSnapshot stats() {
        return counters.snapshot(model, "", hub);
    }

    /** The server stopped, after its connections: release the rooms (and the broker connection). */
    public void close() {
        hub.close();
    }

    /** The answer to {@code GET /stats?query} ({@code gc=1}: a full GC first, and the live heap). */
    public StatsSnapshot stats(String query) {
        return counters.snapshot(model, query, hub);
    }
}
