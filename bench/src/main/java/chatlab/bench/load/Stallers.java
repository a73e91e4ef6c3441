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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The readers of a load run that stop reading ({@link LoadPlan.Stall}): which they are, what the
 * server owes them, what the kernel holds for them, and what they receive once they read again.
 * A stalled reader simply takes its socket out of the selector's read interest, as a client whose
 * application stopped calling {@code read()} would; the kernel's buffers then fill, and after them
 * the server's own queue.
 *
 * <p>Runs on the generator's selector thread, like the {@link LoadJob} that owns it, except for one
 * sampler thread of its own, which looks at the kernel's queues ({@link TcpQueues}, which may take a
 * while on a machine with many sockets) so that the selector thread never waits for it; the looks
 * reach the selector thread through a queue.
 */
final class Stallers {

    /** One stalled reader's record, filled in as the run goes. */
    private static final class Stalled {
        final GeneratorConnection connection;
        final int localPort;
        final List<long[]> samples = new ArrayList<>();
        /** At the first look: what the kernel held for it (unread from before the run), and what the server had written for its room's witness. */
        long kernelAtStart = -1;
        long witnessWrittenAtStart = -1;
        /** The look at which what it is owed last changed, and the latest look. */
        long owedChangedNanos = -1;
        long lastLookNanos = -1;
        long offeredAtResume = -1;
        long resumedNanos = -1;
        long kernelAtResume = -1;
        long receivedBytes;
        long receivedMessages;
        long lastSeq = -1;
        int closeCode = StalledReader.STILL_OPEN;
        String closeNote = "still open when the run ended";
        long endedNanos = -1;

        Stalled(GeneratorConnection connection, int localPort) {
            this.connection = connection;
            this.localPort = localPort;
        }

        boolean resumed() { return resumedNanos >= 0; }

        boolean ended() { return closeCode != StalledReader.STILL_OPEN; }
    }

    /** One look at the kernel's queues, with the witnesses' reads around it: {@code reads} per room, the mean of before and after. */
    private record Look(long nanos, List<TcpQueues.Socket> sockets, Map<String, Long> reads) {}

    private final LoadPlan.Stall plan;
    private final long startNanos;
    private final int serverPort;
    private final Map<GeneratorConnection, Stalled> stalled = new LinkedHashMap<>();
    /** Per room, its first reading member and its port; it counts the bytes of every room message, which the stalled ones are owed too. */
    private final Map<String, GeneratorConnection> witnesses = new HashMap<>();
    private final Map<String, Integer> witnessPorts = new HashMap<>();
    /** Per room, the bytes its witness has read; written by the selector thread, read by the sampler. */
    private final Map<String, AtomicLong> read = new HashMap<>();
    private final Map<String, Integer> stalledMembers = new HashMap<>();
    private final ConcurrentLinkedQueue<Look> looks = new ConcurrentLinkedQueue<>();
    private volatile boolean sampling = true;
    private long sendingOverNanos = -1;

    /** Once sending is over, what is owed must stay put this long before a stalled reader reads again: the server has written everything out. */
    private static final long SETTLED_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** ... but no longer than this after sending ends. */
    private static final long SETTLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Stops the last {@code plan.perRoom()} members of each room from reading (never a room's
     * first member, which may be its sender, and never every member: one reads, to count), and
     * starts looking at the kernel's queues.
     */
    Stallers(LoadPlan.Stall plan, Iterable<GeneratorConnection> ready, long startNanos) {
        this.plan = plan;
        this.startNanos = startNanos;
        Map<String, List<GeneratorConnection>> rooms = new TreeMap<>();
        for (GeneratorConnection c : ready) if (c.room != null) rooms.computeIfAbsent(c.room, r -> new ArrayList<>()).add(c);
        int server = -1;
        for (Map.Entry<String, List<GeneratorConnection>> room : rooms.entrySet()) {
            List<GeneratorConnection> members = room.getValue();
            members.sort(Comparator.comparingInt(c -> c.index));
            int stalling = Math.min(plan.perRoom(), members.size() - 1);
            if (stalling <= 0) continue;
            int[] witness = ports(members.get(0));
            server = witness[1];
            witnesses.put(room.getKey(), members.get(0));
            witnessPorts.put(room.getKey(), witness[0]);
            read.put(room.getKey(), new AtomicLong());
            for (GeneratorConnection c : members.subList(members.size() - stalling, members.size())) stop(c);
        }
        this.serverPort = server;
        if (!stalled.isEmpty() && serverPort > 0) {
            Thread.ofPlatform().name("stall-sampler").daemon(true).start(this::sample);
        }
    }

    /** {@code {local port, server port}} of a connection's socket, -1 each when unknown (its kernel queues are then not sampled). */
    private static int[] ports(GeneratorConnection c) {
        try {
            return new int[] {((InetSocketAddress) c.channel.getLocalAddress()).getPort(), ((InetSocketAddress) c.channel.getRemoteAddress()).getPort()};
        } catch (IOException | RuntimeException e) {
            return new int[] {-1, -1};
        }
    }

    private void stop(GeneratorConnection c) {
        c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_READ);
        stalled.put(c, new Stalled(c, ports(c)[0]));
        stalledMembers.merge(c.room, 1, Integer::sum);
    }

    /** The sampler thread: a look at the server port's sockets every period, until told to stop. */
    private void sample() {
        long period = TimeUnit.MILLISECONDS.toNanos(plan.sampleEveryMillis());
        long next = System.nanoTime();
        while (sampling) {
            Map<String, Long> before = reads();
            long nanos = System.nanoTime();
            List<TcpQueues.Socket> sockets = TcpQueues.read(serverPort);
            Map<String, Long> after = reads();
            Map<String, Long> mean = new HashMap<>();
            before.forEach((room, b) -> mean.put(room, (b + after.get(room)) / 2));
            looks.add(new Look(nanos, sockets, mean));
            next = Math.max(next + period, System.nanoTime());
            LockSupport.parkNanos(next - System.nanoTime()); // the sampling clock: nothing to wait for but time
        }
    }

    private Map<String, Long> reads() {
        Map<String, Long> now = new HashMap<>();
        read.forEach((room, bytes) -> now.put(room, bytes.get()));
        return now;
    }

    /** Stops the sampler thread (the run is over). */
    void close() {
        sampling = false;
    }

    boolean isStalled(GeneratorConnection c) { return stalled.containsKey(c); }

    /** Stalled members of {@code room} still connected: members the server owes, but that are no recipient of the loss check. */
    int stalledIn(String room) { return stalledMembers.getOrDefault(room, 0); }

    /** A room message of this run reached a reading member: its room's witness counts it as owed to the stalled ones too. */
    void roomMessage(GeneratorConnection recipient, int payloadLength) {
        if (recipient.room != null && witnesses.get(recipient.room) == recipient) {
            read.get(recipient.room).addAndGet(StalledReader.frameBytes(payloadLength));
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
            s.endedNanos = System.nanoTime();
            stalledMembers.merge(c.room, -1, Integer::sum);
        }
        return true;
    }

    /** When the selector thread should come back for the sampler's looks. */
    long nextWakeNanos() {
        return stalled.values().stream().allMatch(Stalled::resumed) ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.sampleEveryMillis());
    }

    /**
     * Takes in the sampler's looks, and lets a stalled reader read again once the server must be
     * holding more than {@code resumeAboveBytes} for it, or once {@code sendingOver}.
     */
    void advance(long now, boolean sendingOver) {
        Look look;
        while ((look = looks.poll()) != null) {
            for (Stalled s : stalled.values()) {
                if (s.resumed() || s.ended()) continue;
                long kernel = s.localPort < 0 ? -1 : TcpQueues.between(look.sockets(), serverPort, s.localPort);
                long owed = owed(s, look, kernel);
                if (s.samples.isEmpty() || owed != s.samples.getLast()[1]) s.owedChangedNanos = look.nanos();
                s.lastLookNanos = look.nanos();
                s.samples.add(new long[] {TimeUnit.NANOSECONDS.toMillis(look.nanos() - startNanos), owed, kernel});
                if (kernel >= 0 && owed - kernel > plan.resumeAboveBytes()) resume(s, now, owed, kernel);
            }
        }
        if (sendingOver) {
            // A generator that fell behind sends its backlog at the end: wait until the server has written it all out.
            if (sendingOverNanos < 0) sendingOverNanos = now;
            for (Stalled s : stalled.values()) {
                if (s.resumed()) continue;
                // Settled: a look at least a second after what it is owed last changed saw no change. Without looks, at once.
                boolean settled = s.samples.isEmpty() || s.lastLookNanos - s.owedChangedNanos >= SETTLED_NANOS;
                if (!settled && now - sendingOverNanos < SETTLE_LIMIT_NANOS) continue;
                long[] last = s.samples.isEmpty() ? null : s.samples.getLast();
                resume(s, now, last == null ? read.get(s.connection.room).get() : last[1], last == null ? -1 : last[2]);
            }
        }
        if (stalled.values().stream().allMatch(Stalled::resumed)) close();
    }

    /**
     * What the server owed a stalled reader at a look: what was in the kernel for it at the first
     * look, plus all the server has written since for its room's witness (the same room messages:
     * the witness reads, so the server holds nothing back from it). With {@code ss -i} both are the
     * kernel's own counts from one snapshot (acknowledged plus queued bytes of the server's socket to
     * the witness); without it, the witness's reads plus what the kernel holds on the way to it.
     */
    private long owed(Stalled s, Look look, long kernel) {
        Integer port = witnessPorts.get(s.connection.room);
        TcpQueues.Socket toWitness = port == null ? null : TcpQueues.find(look.sockets(), serverPort, port);
        if (toWitness != null && toWitness.written() >= 0 && kernel >= 0) {
            if (s.witnessWrittenAtStart < 0) {
                s.witnessWrittenAtStart = toWitness.written();
                s.kernelAtStart = kernel;
            }
            return s.kernelAtStart + toWitness.written() - s.witnessWrittenAtStart;
        }
        long bytesRead = look.reads().getOrDefault(s.connection.room, 0L);
        long inKernel = port == null || port < 0 ? -1 : TcpQueues.between(look.sockets(), serverPort, port);
        return bytesRead + Math.max(0, inKernel);
    }

    private void resume(Stalled s, long now, long owed, long kernel) {
        s.resumedNanos = now;
        s.kernelAtResume = kernel;
        s.offeredAtResume = owed;
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
                    s.receivedMessages, s.lastSeq, s.closeCode, s.closeNote,
                    s.endedNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(s.endedNanos - startNanos), List.copyOf(s.samples)));
        }
        return out;
    }
}
