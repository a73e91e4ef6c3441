package chatlab.protocol.chat;

import java.util.function.Supplier;

/**
 * Where the lab's {@code compute} and {@code sleep} messages run. Thread-per-connection models
 * run them inline on the connection's thread; the evented model may hand them to a worker pool
 * and bring the answer back to its loop.
 */
public interface LabRunner {

    /** Runs {@code work} (which may block or burn CPU) and delivers its answer to {@code replyTo}. */
    void run(Supplier<Outbound> work, ChatMember replyTo);

    /** On the calling thread. */
    LabRunner INLINE = (work, replyTo) -> replyTo.deliver(work.get());
}
