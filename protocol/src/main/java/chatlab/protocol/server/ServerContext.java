package chatlab.protocol.server;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.chat.ChatJson;

/**
 * What every connection of one server shares: its model name, limits, rooms, counters and JSON
 * mapper. One per server instance (never static), so two servers in one JVM stay apart.
 */
public record ServerContext(String model, ServerConfig config, ChatHub hub, ServerCounters counters, ChatJson json) {

    public static ServerContext create(String model, ServerConfig config) {
        ServerCounters counters = new ServerCounters();
        ChatJson json = new ChatJson(config.jsonRecycler());
        return new ServerContext(model, config, new ChatHub(counters, config.faults(), json), counters, json);
    }

    public StatsSnapshot stats() {
        return counters.snapshot(model);
    }
}
