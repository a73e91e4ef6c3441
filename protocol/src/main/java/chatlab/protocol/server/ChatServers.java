package chatlab.protocol.server;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds server models by name among the {@link ChatServerProvider}s on the class path. */
public final class ChatServers {

    private ChatServers() {}

    /** Every model name on the class path, in provider order. */
    public static List<String> models() {
        List<String> names = new ArrayList<>();
        for (ChatServerProvider provider : ServiceLoader.load(ChatServerProvider.class)) {
            names.addAll(provider.models());
        }
        return names;
    }

    /** A new, not yet started server of the given model. */
    public static ChatServer create(String model, ServerConfig config) {
        for (ChatServerProvider provider : ServiceLoader.load(ChatServerProvider.class)) {
            if (provider.models().contains(model)) {
                return provider.create(model, config);
            }
        }
        throw new IllegalArgumentException("unknown model '" + model + "', known: " + models());
    }
}
