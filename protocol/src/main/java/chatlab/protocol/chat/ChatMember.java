package chatlab.protocol.chat;

/** One connection as the hub sees it: something that messages can be handed to. */
public interface ChatMember {

    /**
     * Hands a message to this connection's outbound path. Called from any thread, possibly with a
     * room's lock held: it must never block (queue the bytes, or give up on a slow consumer).
     */
    void deliver(Outbound message);
}
