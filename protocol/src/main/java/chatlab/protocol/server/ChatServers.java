package chatlab.protocol.server;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds server models by name among the {@link ChatServerProvider}s on the class path, or makes a
 * provider of a class that is not registered (a student's server, in the exercise track).
 */
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

    /**
     * A provider for {@code type}, which is either a {@link ChatServerProvider} with a public
     * no-argument constructor, or a {@link ChatServer} with a public constructor taking a
     * {@link ServerConfig} (or none). A server class makes one model, named by what its
     * {@link ChatServer#model()} answers; the constructor runs once here to ask it.
     *
     * @throws IllegalArgumentException one sentence saying what {@code type} lacks or what its constructor threw
     */
    public static ChatServerProvider providerOf(Class<?> type) {
        if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException(type.getName() + " must be a public, non-abstract class");
        }
        if (ChatServerProvider.class.isAssignableFrom(type)) {
            return (ChatServerProvider) construct(constructor(type, false), null);
        }
        if (!ChatServer.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " implements neither " + ChatServer.class.getName()
                    + " nor " + ChatServerProvider.class.getName());
        }
        Constructor<?> constructor = constructor(type, true);
        ChatServer probe = (ChatServer) construct(constructor, ServerConfig.defaults());
        String model = probe.model();
        try {
            probe.close();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(type.getName() + ".close() threw " + e + " on a server that was never started", e);
        }
        if (model == null || model.isBlank()) throw new IllegalArgumentException(type.getName() + ".model() must name the model");
        return new ClassProvider(constructor, model);
    }

    /** A server class as a provider of its one model. */
    private record ClassProvider(Constructor<?> constructor, String model) implements ChatServerProvider {
        @Override
        public List<String> models() { return List.of(model); }

        @Override
        public ChatServer create(String name, ServerConfig config) {
            if (!model.equals(name)) throw new IllegalArgumentException("not " + constructor.getDeclaringClass().getName() + "'s model: " + name);
            return (ChatServer) construct(constructor, config);
        }
    }

    /** The {@code (ServerConfig)} constructor when {@code config} is allowed and present, else the no-argument one. */
    private static Constructor<?> constructor(Class<?> type, boolean config) {
        if (config) {
            try {
                return type.getConstructor(ServerConfig.class);
            } catch (NoSuchMethodException e) {
                // fall back to the no-argument constructor
            }
        }
        try {
            return type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " needs a public constructor taking "
                    + (config ? "a ServerConfig, or none" : "no arguments"));
        }
    }

    private static Object construct(Constructor<?> constructor, ServerConfig config) {
        try {
            return constructor.getParameterCount() == 0 ? constructor.newInstance() : constructor.newInstance(config);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException("the constructor of " + constructor.getDeclaringClass().getName()
                    + " threw " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("could not construct " + constructor.getDeclaringClass().getName() + ": " + e, e);
        }
    }
}
