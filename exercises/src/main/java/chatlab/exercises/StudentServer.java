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

    /** How a student's class is named where a model name goes ({@code serve --model}, {@code bench --impl}). */
    public static final String PREFIX = "class:";

    private StudentServer() {}

    /**
     * A student's class where a model name goes: {@code class:CLASS}, or {@code class:CLASS@MODEL}
     * for a piece that runs in another model than its exercise's default.
     *
     * @param model null for the default
     */
    public record Name(String className, String model) {

        /** Whether {@code token} names a student's class rather than one of chatlab's models. */
        public static boolean matches(String token) {
            return token.startsWith(PREFIX);
        }

        /** @throws IllegalArgumentException for a token without a class */
        public static Name parse(String token) {
            if (!matches(token)) throw new IllegalArgumentException("'" + token + "' does not start with " + PREFIX);
            String rest = token.substring(PREFIX.length());
            int at = rest.indexOf('@');
            String className = at < 0 ? rest : rest.substring(0, at);
            String model = at < 0 ? null : rest.substring(at + 1);
            if (className.isBlank() || (model != null && model.isBlank())) {
                throw new IllegalArgumentException("'" + token + "' names no class: write " + PREFIX + "CLASS or " + PREFIX + "CLASS@MODEL");
            }
            return new Name(className, model);
        }
    }

    /**
     * The server {@code name} makes, its class loaded from {@code code}.
     *
     * @throws IllegalArgumentException saying in one sentence why it cannot
     */
    public static ChatServer create(Name name, StudentCode code, ServerConfig config) {
        Class<?> type;
        try {
            type = Class.forName(name.className(), true, code.loader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class " + name.className() + " not found in "
                    + (code.classPath().isEmpty() ? "chatlab's class path (give --classpath)" : code.classPathString()));
        }
        return create(type, name.model(), config);
    }

    /**
     * @param model for a piece, the model it runs in (null: the exercise's default); for a whole server, null
     * @throws IllegalArgumentException saying in one sentence why {@code type} cannot make a server
     */
    public static ChatServer create(Class<?> type, String model, ServerConfig config) {
        var exercise = Exercise.byPiece(type);
        if (exercise.isEmpty()) {
            if (model != null) throw new IllegalArgumentException(type.getName() + " is a whole server: it takes no model");
            if (config.broker() != null) {
                throw new IllegalArgumentException(type.getName() + " is a whole server: it cannot share its rooms through --broker");
            }
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
