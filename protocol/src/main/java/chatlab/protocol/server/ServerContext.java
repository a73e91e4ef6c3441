package chatlab.protocol.server;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.session.SessionTable;

/**
 * What every connection of one server shares: its model name, limits, rooms, HTTP sessions and
 * counters. One per server instance (never static), so two servers in one JVM stay apart.
 */
public record ServerContext(String model, ServerConfig config, ChatHub hub, SessionTable sessions, ServerCounters counters) {

    public static ServerContext create(String model, ServerConfig config) {
        if (config.lab()) chatlab.protocol.chat.CpuWork.prepare();
        ServerCounters counters = new ServerCounters();
        ChatHub hub = new ChatHub(counters, config.faults());
        return new ServerContext(model, config, hub, new SessionTable(hub, config, counters), counters);
    }

    public StatsSnapshot stats() {
        return counters.snapshot(model);
    }

    /** The answer to {@code GET /stats?query} ({@code gc=1}: a full GC first, and the live heap). */
    public StatsSnapshot stats(String query) {
        return counters.snapshot(model, query);
    }
}
