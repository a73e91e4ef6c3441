package chatlab.protocol.server;

/**
 * Makes servers of one model. Each module registers its providers in
 * {@code META-INF/services/chatlab.protocol.server.ChatServerProvider}, so the CLI and the
 * tests reach every model by name without depending on how it is built.
 */
public interface ChatServerProvider {

    /** The model names this provider makes (one per variant, for example the two threaded ones). */
    java.util.List<String> models();

    ChatServer create(String model, ServerConfig config);
}
