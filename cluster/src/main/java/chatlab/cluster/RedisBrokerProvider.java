package chatlab.cluster;

import chatlab.protocol.chat.BrokerProvider;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.server.ServerCounters;
import java.net.URI;
import java.util.concurrent.Executor;

/** {@code --broker redis://HOST:PORT}: rooms shared through Redis ({@link RedisRooms}). */
public final class RedisBrokerProvider implements BrokerProvider {

    @Override
    public String scheme() { return "redis"; }

    @Override
    public Rooms create(URI broker, ServerCounters counters, Executor deliveries, ChatJson json) {
        return new RedisRooms(BrokerUrl.parse(broker), counters, deliveries, json);
    }
}
