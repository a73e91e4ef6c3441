package chatlab.protocol.chat;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Executor;

/**
 * The rooms a server's connections talk to: members, {@code seq}, presence and history, behind
 * one interface so that they can live in this process ({@link ChatHub}, the default) or be shared
 * by many server processes through a broker (the {@code cluster} module, found by
 * {@link #create} through a {@link BrokerProvider}).
 *
 * <p>Every answer, error included, is <em>delivered to the member</em> rather than returned, so
 * that an implementation may answer later, from another thread, once its broker replied:
 * {@code joined}, the history, {@code left}, the sender's own copy of its {@code message}, or an
 * {@code error} ({@code not_joined}, {@code unavailable}) carrying the request's {@code id}.
 *
 * <p>Threads: a connection calls these methods from one thread at a time (its reader thread or
 * the event loop, as {@link ChatSession} does), and an implementation handles one member's calls
 * in the order they were made. Deliveries go through {@link ChatMember#deliver}; an
 * implementation that delivers from its own threads does so through the {@link Executor} the
 * server gave it, which is how an event loop keeps every connection to its own thread.
 */
public interface Rooms extends AutoCloseable {

    /**
     * Adds {@code member} to {@code room} under {@code name}. The member receives {@code joined},
     * then the kept messages numbered above {@code after} (when {@code after >= 0}); the room's
     * other members receive {@code presence join}. Joining again renames and replays, without
     * presence. May answer {@code error unavailable} (with {@code id}) instead.
     */
    void join(ChatMember member, String room, String name, long after, JsonNode id);

    /** Removes {@code member}: it receives {@code left}, the others {@code presence leave}; {@code not_joined} if it was not in. */
    void leave(ChatMember member, String room, JsonNode id);

    /**
     * Numbers a message and delivers it to every member of the room, the sender included (that
     * copy is its acknowledgement); {@code not_joined} or {@code unavailable} instead, with {@code id}.
     */
    void say(ChatMember member, String room, String text, String id);

    /** The connection went away: it leaves these rooms, the others see {@code presence leave}, it receives nothing. */
    void disconnect(ChatMember member, Iterable<String> rooms);

    /** The broker's URL as {@code /stats} shows it, or null when the rooms are this process's own. */
    String brokerUrl();

    /** The server's JSON mapper: the rooms write every server message with it, and the chat sessions parse with it. */
    ChatJson json();

    /** Whether the broker answers (and {@code join} and {@code say} are served); true without a broker. */
    boolean brokerUp();

    /** The server is stopping, after its connections: its members leave, and the broker connection closes. */
    @Override
    void close();

    /**
     * The rooms for a server with this configuration: the configuration's own
     * ({@link ServerConfig#withRooms}, a student's), else the in-process {@link ChatHub} without a
     * broker, else the {@link BrokerProvider} on the class path that serves the broker URL's scheme.
     *
     * @param deliveries where a broker's answers are handed to members (see the class comment)
     * @throws IllegalArgumentException when no provider on the class path serves the URL's scheme,
     *     or when the configuration has both its own rooms and a broker
     */
    static Rooms create(ServerConfig config, ServerCounters counters, Executor deliveries) {
        String broker = config.broker();
        ChatJson json = new ChatJson(config.jsonRecycler());
        if (config.rooms() != null) {
            if (broker != null) throw new IllegalArgumentException("rooms of your own live in one process: they cannot share through --broker");
            return new CountedRooms(config.rooms().get(), counters, json);
        }
        if (broker == null) return new ChatHub(counters, config.faults(), json);
        URI uri = URI.create(broker);
        List<String> schemes = new ArrayList<>();
        for (BrokerProvider provider : ServiceLoader.load(BrokerProvider.class)) {
            if (provider.scheme().equalsIgnoreCase(uri.getScheme())) {
                return provider.create(uri, counters, deliveries, json);
            }
            schemes.add(provider.scheme());
        }
        throw new IllegalArgumentException("no broker for '" + uri.getScheme() + "://' on the class path"
                + (schemes.isEmpty() ? " (the cluster module is missing)" : "; known: " + schemes));
    }
}
