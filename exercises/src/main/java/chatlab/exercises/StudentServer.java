package chatlab.exercises;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.lang.reflect.InvocationTargetException;

/**
 * A server made of a student's class, for {@code ./chatlab serve --class} (and so for the
 * benchmark, which starts servers through {@code serve}): a whole server ({@link ChatServer} or
 * {@link ChatServerProvider}) as it is, or an exercise's piece (a handshake, a codec) inside one
 * of chatlab's models. Unlike the tests, nothing guards the piece: a server runs it as it would
 * run chatlab's own.
 */
public final class StudentServer {

    private StudentServer() {}

    /**
     * @param model for a piece, the model it runs in (null: the exercise's default); for a whole server, null
     * @throws IllegalArgumentException saying in one sentence why {@code type} cannot make a server
     */
    public static ChatServer create(Class<?> type, String model, ServerConfig config) {
        var exercise = Exercise.byPiece(type);
        if (exercise.isEmpty()) {
            if (model != null) throw new IllegalArgumentException(type.getName() + " is a whole server: it takes no model");
            ChatServerProvider provider = ChatServers.providerOf(type);
            return provider.create(provider.models().get(0), config);
        }
        Exercise.Piece piece = exercise.get().piece();
        Object instance;
        try {
            instance = type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("the constructor of " + type.getName() + " threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type.getName() + " needs a public constructor with no arguments", e);
        }
        return ChatServers.create(model != null ? model : piece.defaultModel(), piece.plug().apply(config, instance));
    }
}
