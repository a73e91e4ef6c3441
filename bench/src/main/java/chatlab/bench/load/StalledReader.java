package chatlab.bench.load;

import java.util.List;

/**
 * What became of one reader that stopped reading during a run ({@link LoadPlan.Stall}): what the
 * server owed it, what the kernel held for it, what it received once it read again and how the
 * server closed it. Bytes are WebSocket frames as the server sends them (header and payload).
 *
 * @param index            the connection's index
 * @param room             its room
 * @param localPort        its socket's local port (which names it in {@code /proc/net/tcp})
 * @param stoppedNanos     when it stopped reading, by the generator's {@code System.nanoTime()}
 *                         (on Linux the monotonic clock, which every process of the machine shares)
 * @param offeredBytes     the bytes owed to it when it read again: what the server had written for its
 *                         room's members by then, measured at its room's first reading member (read,
 *                         or in the kernel on the way), or that member's reads alone without {@code /proc}
 * @param resumedMillis    when it read again, in ms after it stopped; -1 if it never did
 * @param kernelAtResume   the bytes the kernel held for it then (the server socket's send queue and
 *                         its own receive queue); -1 when unknown
 * @param receivedBytes    the room messages' bytes it received after reading again
 * @param receivedMessages those messages
 * @param lastSeq          the room {@code seq} of the last of them, -1 if none
 * @param closeCode        the server's close code, -1 for a connection that ended without a close
 *                         frame, 0 for one still open when the run ended
 * @param closeNote        how it ended, in words
 * @param endedMillis      when it ended, in ms after it stopped; -1 if still open
 * @param samples          while it did not read, every sampling period: {@code {ms after it
 *                         stopped, bytes owed to it so far, bytes the kernel held for it (-1 unknown)}}
 */
public record StalledReader(int index, String room, int localPort, long stoppedNanos, long offeredBytes, long resumedMillis,
                            long kernelAtResume, long receivedBytes, long receivedMessages, long lastSeq, int closeCode,
                            String closeNote, long endedMillis, List<long[]> samples) {

    /** The close code of a connection the run ended with still open. */
    public static final int STILL_OPEN = 0;
    /** The close code of a connection that ended without a close frame. */
    public static final int NO_CLOSE_FRAME = -1;

    /** The bytes of a server's (unmasked) frame carrying {@code payloadLength} bytes: RFC 6455 5.2. */
    public static long frameBytes(long payloadLength) {
        return payloadLength + (payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10);
    }
}
