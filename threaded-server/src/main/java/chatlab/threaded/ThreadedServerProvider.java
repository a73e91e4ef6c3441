package chatlab.threaded;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The two thread-per-connection models. They run the same code; only the kind of thread differs,
 * and that is the whole experiment.
 */
public final class ThreadedServerProvider implements ChatServerProvider {

    public static final String PLATFORM = "threaded-platform";
    public static final String VIRTUAL = "threaded-virtual";

    @Override
    public List<String> models() {
        return List.of(PLATFORM, VIRTUAL);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        ThreadFactory threads = switch (model) {
            case PLATFORM -> Thread.ofPlatform().name("chatlab-platform-", 0).daemon(true).factory();
            case VIRTUAL -> Thread.ofVirtual().name("chatlab-virtual-", 0).factory();
            default -> throw new IllegalArgumentException("not a threaded model: " + model);
        };
        return new ThreadedServer(model, config, threads);
    }
}
