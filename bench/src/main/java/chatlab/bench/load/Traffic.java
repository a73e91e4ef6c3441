package chatlab.bench.load;

/**
 * Bytes and HTTP requests a generator's clients put on the wire, counted by the clients: the
 * socket's totals (every byte read or written, headers, frames and the TCP payload of all of it),
 * and the same bytes by what they were for, each counted when its exchange is done:
 * <ul>
 *   <li><b>setup</b>: everything a client does before it is ready (a session and its join, the
 *       WebSocket handshake, the first poll or the stream's opening up to {@code joined});
 *   <li><b>receive</b>: how a ready client gets its messages: polls and their answers, the event
 *       stream, the server's frames;
 *   <li><b>send</b>: how it sends them: {@code POST /send} and its {@code 204}, or its own frames.
 * </ul>
 * A request counts once, on the part it belongs to, when it is written; an answer's bytes when it is
 * complete. {@code emptyAnswers} counts the polls of ready clients answered with no message (a
 * short poll's usual answer). So a difference of two snapshots taken around a window splits its bytes by part up to
 * the exchanges still under way at either edge, while the socket totals are exact.
 */
public record Traffic(long socketUp, long socketDown,
                      long setupRequests, long setupUp, long setupDown,
                      long receiveRequests, long receiveUp, long receiveDown,
                      long sendRequests, long sendUp, long sendDown, long emptyAnswers) {

    /** What a piece of traffic was for. */
    public enum Part { SETUP, RECEIVE, SEND }

    public static final Traffic ZERO = new Traffic(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** HTTP requests of every part. */
    public long requests() { return setupRequests + receiveRequests + sendRequests; }

    public Traffic plus(Traffic o) {
        return new Traffic(socketUp + o.socketUp, socketDown + o.socketDown, setupRequests + o.setupRequests, setupUp + o.setupUp,
                setupDown + o.setupDown, receiveRequests + o.receiveRequests, receiveUp + o.receiveUp, receiveDown + o.receiveDown,
                sendRequests + o.sendRequests, sendUp + o.sendUp, sendDown + o.sendDown, emptyAnswers + o.emptyAnswers);
    }

    /** What was counted since {@code earlier}, a snapshot of the same meter. */
    public Traffic since(Traffic earlier) {
        return new Traffic(socketUp - earlier.socketUp, socketDown - earlier.socketDown, setupRequests - earlier.setupRequests,
                setupUp - earlier.setupUp, setupDown - earlier.setupDown, receiveRequests - earlier.receiveRequests,
                receiveUp - earlier.receiveUp, receiveDown - earlier.receiveDown, sendRequests - earlier.sendRequests,
                sendUp - earlier.sendUp, sendDown - earlier.sendDown, emptyAnswers - earlier.emptyAnswers);
    }

    /** The running counts a generator keeps, on its selector thread only. */
    static final class Meter {
        private long socketUp;
        private long socketDown;
        private final long[] requests = new long[3];
        private final long[] up = new long[3];
        private final long[] down = new long[3];
        private long emptyAnswers;

        void wrote(long bytes) { socketUp += bytes; }

        void read(long bytes) { socketDown += bytes; }

        /** An HTTP request of {@code bytes} was written. */
        void request(Part part, long bytes) {
            requests[part.ordinal()]++;
            up[part.ordinal()] += bytes;
        }

        void up(Part part, long bytes) { up[part.ordinal()] += bytes; }

        void down(Part part, long bytes) { down[part.ordinal()] += bytes; }

        void emptyAnswer() { emptyAnswers++; }

        Traffic snapshot() {
            int s = Part.SETUP.ordinal();
            int r = Part.RECEIVE.ordinal();
            int w = Part.SEND.ordinal();
            return new Traffic(socketUp, socketDown, requests[s], up[s], down[s], requests[r], up[r], down[r], requests[w], up[w], down[w], emptyAnswers);
        }
    }
}
