package chatlab.evented;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;

/** The one-event-loop model. */
public final class EventedServerProvider implements ChatServerProvider {

    public static final String EVENTED = "evented";

    @Override
    public List<String> models() {
        return List.of(EVENTED);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        if (!EVENTED.equals(model)) throw new IllegalArgumentException("not the evented model: " + model);
        return new EventedServer(config);
    }
}
