package chatlab.protocol.chat;

import chatlab.protocol.server.ServerCounters;
import java.net.URI;
import java.util.concurrent.Executor;

/**
 * Makes {@link Rooms} shared through a broker, for one URL scheme ({@code redis}). A module
 * registers its provider in {@code META-INF/services/chatlab.protocol.chat.BrokerProvider}, so
 * that this module does not depend on any broker's client library.
 */
public interface BrokerProvider {

    /** The URL scheme served, without {@code ://}. */
    String scheme();

    /**
     * Connects to the broker and returns the rooms it shares.
     *
     * @param deliveries where answers from the broker's threads are handed to members
     * @param json the server's JSON mapper, with which the rooms write the server's messages
     * @throws IllegalStateException when the broker cannot be reached
     */
    Rooms create(URI broker, ServerCounters counters, Executor deliveries, ChatJson json);
}
