package chatlab.bench.load;

import chatlab.bench.procfs.TcpQueues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The readers of a load run that stop reading ({@link LoadPlan.Stall}): which they are, what the
 * server owes them, what the kernel holds for them, and what they receive once they read again.
 * A stalled reader simply takes its socket out of the selector's read interest, as a client whose
 * application stopped calling {@code read()} would; the kernel's buffers then fill, and after them
 * the server's own queue. Runs on the generator's selector thread, like the {@link LoadJob} that owns it.
 */
final class Stallers {

    /** One stalled reader's record, filled in as the run goes. */
    private static final class Stalled {
        final GeneratorConnection connection;
        final int localPort;
        final int serverPort;
        final List<long[]> samples = new ArrayList<>();
        long offeredAtResume = -1;
        long resumedNanos = -1;
        long kernelAtResume = -1;
        long receivedBytes;
        long receivedMessages;
        long lastSeq = -1;
        int closeCode = StalledReader.STILL_OPEN;
        String closeNote = "still open when the run ended";

        Stalled(GeneratorConnection connection, int localPort, int serverPort) {
            this.connection = connection;
            this.localPort = localPort;
            this.serverPort = serverPort;
        }

        boolean resumed() { return resumedNanos >= 0; }

        boolean ended() { return closeCode != StalledReader.STILL_OPEN; }
    }

    private final LoadPlan.Stall plan;
    private final long startNanos;
    private final long sampleNanos;
    private final Map<GeneratorConnection, Stalled> stalled = new LinkedHashMap<>();
    /** Per room, its first reading member, which counts the bytes of every room message for the room's stalled ones. */
    private final Map<String, GeneratorConnection> witnesses = new HashMap<>();
    private final Map<String, Long> owed = new HashMap<>();
    private final Map<String, Integer> stalledMembers = new HashMap<>();
    private long nextSampleNanos;

    /**
     * Stops the last {@code plan.perRoom()} members of each room from reading (never a room's
     * first member, which may be its sender, and never every member: one reads, to count).
     */
    Stallers(LoadPlan.Stall plan, Iterable<GeneratorConnection> ready, long startNanos) {
        this.plan = plan;
        this.startNanos = startNanos;
        this.sampleNanos = TimeUnit.MILLISECONDS.toNanos(plan.sampleEveryMillis());
        this.nextSampleNanos = startNanos;
        Map<String, List<GeneratorConnection>> rooms = new TreeMap<>();
        for (GeneratorConnection c : ready) if (c.room != null) rooms.computeIfAbsent(c.room, r -> new ArrayList<>()).add(c);
        for (Map.Entry<String, List<GeneratorConnection>> room : rooms.entrySet()) {
            List<GeneratorConnection> members = room.getValue();
            members.sort(Comparator.comparingInt(c -> c.index));
            int stalling = Math.min(plan.perRoom(), members.size() - 1);
            if (stalling <= 0) continue;
            witnesses.put(room.getKey(), members.get(0));
            owed.put(room.getKey(), 0L);
            for (GeneratorConnection c : members.subList(members.size() - stalling, members.size())) stop(c);
        }
    }

    private void stop(GeneratorConnection c) {
        int local = -1;
        int server = -1;
        try {
            local = ((InetSocketAddress) c.channel.getLocalAddress()).getPort();
            server = ((InetSocketAddress) c.channel.getRemoteAddress()).getPort();
        } catch (IOException | RuntimeException e) {
            // Ports unknown: the kernel's queues of this socket are not sampled.
        }
        c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_READ);
        stalled.put(c, new Stalled(c, local, server));
        stalledMembers.merge(c.room, 1, Integer::sum);
    }

    boolean isStalled(GeneratorConnection c) { return stalled.containsKey(c); }

    /** Stalled members of {@code room} still connected: members the server owes, but that are no recipient of the loss check. */
    int stalledIn(String room) { return stalledMembers.getOrDefault(room, 0); }

    /** A room message of this run reached a reading member: its room's witness counts it as owed to the stalled ones too. */
    void roomMessage(GeneratorConnection recipient, int payloadLength) {
        if (recipient.room != null && witnesses.get(recipient.room) == recipient) {
            owed.merge(recipient.room, StalledReader.frameBytes(payloadLength), Long::sum);
        }
    }

    /** A message reached a stalled reader that reads again. */
    void received(GeneratorConnection c, int payloadLength, ServerMessage message) {
        Stalled s = stalled.get(c);
        if (s == null || message == null || !"message".equals(message.type())) return;
        s.receivedBytes += StalledReader.frameBytes(payloadLength);
        s.receivedMessages++;
        s.lastSeq = Math.max(s.lastSeq, message.seq());
    }

    /**
     * A stalled reader's connection ended: with the server's close frame ({@code code}) or without
     * one ({@link StalledReader#NO_CLOSE_FRAME}). The first ending counts.
     *
     * @return whether {@code c} is a stalled reader (whose end is not a fault of the run)
     */
    boolean ended(GeneratorConnection c, int code, String note) {
        Stalled s = stalled.get(c);
        if (s == null) return false;
        if (!s.ended()) {
            s.closeCode = code;
            s.closeNote = note;
            stalledMembers.merge(c.room, -1, Integer::sum);
        }
        return true;
    }

    long nextWakeNanos() {
        return stalled.values().stream().allMatch(Stalled::resumed) ? Long.MAX_VALUE : nextSampleNanos;
    }

    /**
     * Samples the kernel's queues when due, and lets a stalled reader read again once the server
     * must be holding more than {@code resumeAboveBytes} for it, or once {@code sendingOver}.
     */
    void advance(long now, boolean sendingOver) {
        if (now - nextSampleNanos >= 0 && !stalled.values().stream().allMatch(Stalled::resumed)) {
            nextSampleNanos = now + sampleNanos;
            List<TcpQueues.Socket> sockets = TcpQueues.read();
            for (Stalled s : stalled.values()) {
                if (s.resumed() || s.ended()) continue;
                long kernel = s.localPort < 0 ? -1 : TcpQueues.between(sockets, s.serverPort, s.localPort);
                long owedNow = owed.getOrDefault(s.connection.room, 0L);
                s.samples.add(new long[] {TimeUnit.NANOSECONDS.toMillis(now - startNanos), owedNow, kernel});
                if (kernel >= 0 && owedNow - kernel > plan.resumeAboveBytes()) resume(s, now, kernel);
            }
        }
        if (sendingOver) {
            for (Stalled s : stalled.values()) if (!s.resumed()) resume(s, now, s.samples.isEmpty() ? -1 : s.samples.getLast()[2]);
        }
    }

    private void resume(Stalled s, long now, long kernel) {
        s.resumedNanos = now;
        s.kernelAtResume = kernel;
        s.offeredAtResume = owed.getOrDefault(s.connection.room, 0L);
        if (s.connection.key.isValid()) s.connection.key.interestOps(s.connection.key.interestOps() | SelectionKey.OP_READ);
    }

    /** Whether every stalled reader's connection has ended. */
    boolean allEnded() {
        return stalled.values().stream().allMatch(Stalled::ended);
    }

    List<StalledReader> results() {
        List<StalledReader> out = new ArrayList<>();
        for (Stalled s : stalled.values()) {
            out.add(new StalledReader(s.connection.index, s.connection.room, s.localPort, startNanos, s.offeredAtResume,
                    s.resumed() ? TimeUnit.NANOSECONDS.toMillis(s.resumedNanos - startNanos) : -1, s.kernelAtResume, s.receivedBytes,
                    s.receivedMessages, s.lastSeq, s.closeCode, s.closeNote, List.copyOf(s.samples)));
        }
        return out;
    }
}
