package chatlab.bench.load;

/**
 * Open {@code count} clients of one transport, numbered from {@code firstIndex}, and (all but
 * {@code /echo}) join each to room {@code "r" + index / roomSize} under the name {@code "u" + index}.
 *
 * @param host            the server's address
 * @param port            the server's port
 * @param transport       how the clients reach the server; a chat client counts once {@code joined}
 *                        arrives, an echo client at {@code 101}
 * @param pollIntervalMillis short polling: the time between two polls of a client (other transports ignore it)
 * @param count           clients to open
 * @param firstIndex      the global number of the first one (rooms and names follow from it)
 * @param roomSize        members per room; rooms are consecutive blocks of indexes
 * @param sourceAddress   local address to bind (127.0.0.x), or null to let the kernel choose
 * @param maxInFlight     clients between their start and ready at any moment
 * @param perConnectionTimeoutMillis a client not ready this long after its start has failed
 * @param timeoutMillis   the whole batch gives up after this long
 * @param abortAfterFailures stop starting new connections after this many failures
 */
public record ConnectPlan(
        String host,
        int port,
        Transport transport,
        long pollIntervalMillis,
        int count,
        int firstIndex,
        int roomSize,
        String sourceAddress,
        int maxInFlight,
        long perConnectionTimeoutMillis,
        long timeoutMillis,
        int abortAfterFailures) {

    public boolean chat() { return transport.chat(); }

    public static String roomOf(int index, int roomSize) {
        return "r" + (index / Math.max(1, roomSize));
    }
}
