package chatlab.protocol.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where a server's HTTP sessions meet the other servers' (the broker behind {@code --broker}), so
 * that a {@code /send}, a short or long {@code /poll} or an {@code /events} stream may land on any
 * server, not only the one that made the session. Without a broker there is none: a session
 * lives in its server's memory only.
 *
 * <p>The model: a session has a <em>home</em>, the server that made it, which keeps its chat (its
 * rooms, its numbering) as without a broker and copies each of its messages to the broker. Any
 * other server asked about the session keeps a <em>replica</em> ({@link HttpSession#replica}):
 * the same numbered messages, read from the broker and followed as they come, which polls and
 * streams read like a home session; what is sent to a replica goes to the home.
 *
 * <p>Threads: every method is called on a connection's thread or a timer, and must not block. The
 * broker answers later, on the threads the server gave it for that (the event loop's, in the
 * evented model), by calling the replica's {@link HttpSession#loaded}, {@link HttpSession#arrived},
 * {@link HttpSession#loadFailed} or {@link HttpSession#endReplica}, and {@link SessionTable#forwarded}
 * and {@link SessionTable#touched} on the home.
 */
public interface SessionBroker {

    /** The sessions of this server: where forwarded input and use reach the home sessions. */
    void attach(SessionTable table);

    /** A session was made here: announce it, and from now on copy each of its messages to the broker. */
    void created(HttpSession session);

    /** A session made here ended: its replicas end too, and the broker forgets it. */
    void ended(HttpSession session);

    /** Fetches the session made elsewhere into this new replica, and follows its messages from then on. */
    void load(HttpSession replica);

    /** Input sent to a replica: for the session's home to handle, in order. */
    void forward(HttpSession replica, List<JsonNode> messages);

    /** A replica was used here, which keeps the session alive at its home; ends the replica if the home let it go. */
    void touch(HttpSession replica);

    /** Nobody here used the replica for the expiry time: stop following it (the session lives on). */
    void dropped(HttpSession replica);
}
