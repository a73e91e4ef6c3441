package chatlab.bench.load;

/**
 * Open {@code count} WebSocket connections, numbered from {@code firstIndex}, and (on {@code /ws})
 * join each to room {@code "r" + index / roomSize} under the name {@code "u" + index}.
 *
 * @param host            the server's address
 * @param port            the server's port
 * @param path            {@code /ws} (chat: a connection counts once {@code joined} arrives) or
 *                        {@code /echo} (a connection counts at {@code 101})
 * @param count           connections to open
 * @param firstIndex      the global number of the first one (rooms and names follow from it)
 * @param roomSize        members per room; rooms are consecutive blocks of indexes
 * @param sourceAddress   local address to bind (127.0.0.x), or null to let the kernel choose
 * @param maxInFlight     connections between {@code connect()} and ready at any moment
 * @param perConnectionTimeoutMillis a connection not ready this long after its start has failed
 * @param timeoutMillis   the whole batch gives up after this long
 * @param abortAfterFailures stop starting new connections after this many failures
 */
public record ConnectPlan(
        String host,
        int port,
        String path,
        int count,
        int firstIndex,
        int roomSize,
        String sourceAddress,
        int maxInFlight,
        long perConnectionTimeoutMillis,
        long timeoutMillis,
        int abortAfterFailures) {

    public static final String CHAT_PATH = "/ws";
    public static final String ECHO_PATH = "/echo";

    public boolean chat() { return CHAT_PATH.equals(path); }

    public static String roomOf(int index, int roomSize) {
        return "r" + (index / Math.max(1, roomSize));
    }
}
