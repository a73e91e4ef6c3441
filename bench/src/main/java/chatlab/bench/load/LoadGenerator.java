package chatlab.bench.load;

import chatlab.protocol.client.ClientWebSocket;
import chatlab.protocol.client.HandshakeException;
import chatlab.protocol.client.ResponseException;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.WebSocketException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The load generator: non-blocking {@link SocketChannel}s on one selector thread, for clients of
 * every {@link Transport}: WebSockets speaking the client role of RFC 6455 through the protocol
 * module's {@link ClientWebSocket}, and HTTP clients of the four transports (short and long
 * polling, server-sent events) through its HTTP client role; chatlab's chat on top (join a room,
 * say, check every delivery), and the bytes and requests they put on the wire ({@link Traffic}).
 *
 * <p>Callers hand it a {@link ConnectPlan} ({@link ConnectJob}) or a {@link LoadPlan}
 * ({@link LoadJob}); the work runs on the selector thread, which alone touches the clients, and the
 * caller waits for the result with a timeout derived from the plan, so nothing waits forever.
 * Commands reach the thread through a bounded queue plus {@link Selector#wakeup()}; the thread
 * never polls: it sleeps in {@code select} until a socket is ready, the next send is due or a
 * client's timer (a short poll) fires.
 */
public final class LoadGenerator implements Generator {

    private final Selector selector;
    private final Thread thread;
    /** Commands from the controlling thread (a few per step); bounded so a runaway caller fails loudly. */
    private final ArrayBlockingQueue<Runnable> commands = new ArrayBlockingQueue<>(1024);
    private final SecureRandom random = new SecureRandom();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    /** Every client not failed or closed. */
    private final Set<LoadClient> clients = new LinkedHashSet<>();
    private final Set<LoadClient> ready = new LinkedHashSet<>();
    private final Map<String, Integer> roomMembers = new HashMap<>();
    private final Traffic.Meter traffic = new Traffic.Meter();
    private final Timers timers = new Timers();
    private volatile boolean running = true;

    private ConnectJob connectJob;
    private LoadJob loadJob;
    /** Faults outside a load run (a ready connection closed while idle), reported with the next result. */
    private long idleFaults;
    private String firstIdleFault;

    public LoadGenerator(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
    }

    // ---- the caller's side -------------------------------------------------------------------

    @Override
    public ConnectResult connect(ConnectPlan plan) throws IOException {
        CompletableFuture<ConnectResult> done = new CompletableFuture<>();
        submit(() -> {
            if (busy(done)) return;
            connectJob = new ConnectJob(this, plan, done);
            connectJob.advance();
        });
        return await(done, plan.timeoutMillis() + 15_000, "connect");
    }

    @Override
    public LoadResult load(LoadPlan plan) throws IOException {
        CompletableFuture<LoadResult> done = new CompletableFuture<>();
        submit(() -> {
            if (busy(done)) return;
            if (plan.stall() != null && !ready.stream().allMatch(c -> c instanceof WebSocketClient)) {
                // Stopping to read is a WebSocket client's: an HTTP client's next request is its reading.
                done.completeExceptionally(new IllegalArgumentException("only WebSocket clients can stall as readers"));
                return;
            }
            loadJob = new LoadJob(this, plan, done, ready, idleFaults, firstIdleFault);
            idleFaults = 0;
            firstIdleFault = null;
            loadJob.advance();
        });
        return await(done, plan.warmupMillis() + plan.durationMillis() + plan.drainTimeoutMillis() + 30_000, "load");
    }

    @Override
    public int open() throws IOException {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        submit(() -> done.complete(ready.size()));
        return await(done, 10_000, "open");
    }

    @Override
    public void closeAll() throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            closeEverything();
            done.complete(null);
        });
        await(done, 60_000, "closeAll");
    }

    @Override
    public long pid() { return -1; }

    /** The traffic counted so far (for the harness's own tests: a known exchange against its counts). */
    Traffic trafficNow() throws IOException {
        CompletableFuture<Traffic> done = new CompletableFuture<>();
        submit(() -> done.complete(traffic.snapshot()));
        return await(done, 10_000, "traffic");
    }

    @Override
    public void close() {
        if (!running) return;
        try {
            closeAll();
        } catch (IOException e) {
            // Closing anyway below.
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(10_000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // Nothing left to release.
        }
    }

    /**
     * Stops the selector thread for {@code millis}, as a GC pause or a descheduled process would:
     * nothing is sent or read meanwhile. For the harness's own tests of what such a stall does to
     * the figures; never called in a measurement.
     */
    void stallFor(long millis) throws IOException {
        submit(() -> {
            try {
                Thread.sleep(millis); // the stall itself is what is being simulated
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void submit(Runnable command) throws IOException {
        if (!running) throw new IOException("generator is closed");
        if (!commands.offer(command)) throw new IOException("generator command queue full (1024 pending)");
        selector.wakeup();
    }

    private boolean busy(CompletableFuture<?> done) {
        if (connectJob == null && loadJob == null) return false;
        done.completeExceptionally(new IllegalStateException("generator is busy"));
        return true;
    }

    private static <T> T await(CompletableFuture<T> future, long timeoutMillis, String what) throws IOException {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("generator did not finish '" + what + "' within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw new IOException("generator failed in '" + what + "': " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for '" + what + "'");
        }
    }

    // ---- the selector thread -----------------------------------------------------------------

    private void loop() {
        try {
            while (running) {
                long waitNanos = nextWakeNanos() - System.nanoTime();
                if (waitNanos <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
                }
                Runnable command;
                while ((command = commands.poll()) != null) command.run();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
                timers.runDue(System.nanoTime(), this);
                if (connectJob != null) connectJob.advance();
                if (loadJob != null) loadJob.advance();
            }
        } catch (IOException | ClosedSelectorException e) {
            failJobs(e);
        } catch (RuntimeException | Error e) {
            failJobs(e);
            throw e;
        }
    }

    private long nextWakeNanos() {
        long now = System.nanoTime();
        if (!commands.isEmpty()) return now;
        long next = Math.min(now + TimeUnit.SECONDS.toNanos(1), timers.nextDueNanos());
        if (connectJob != null) next = Math.min(next, connectJob.nextWakeNanos());
        if (loadJob != null) next = Math.min(next, loadJob.nextWakeNanos());
        return next;
    }

    private void failJobs(Throwable cause) {
        if (connectJob != null) connectJob.done.completeExceptionally(cause);
        if (loadJob != null) {
            loadJob.abandon();
            loadJob.done.completeExceptionally(cause);
        }
        connectJob = null;
        loadJob = null;
    }

    private void handle(SelectionKey key) {
        ClientSocket socket = (ClientSocket) key.attachment();
        LoadClient client = socket.client;
        if (!key.isValid()) return;
        try {
            if (key.isConnectable()) {
                if (socket.channel.finishConnect()) {
                    socket.connected = true;
                    key.interestOps(socket.unsent.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    client.connected(socket);
                }
                return;
            }
            if (key.isWritable()) writeUnsent(socket);
            if (key.isValid() && key.isReadable()) read(socket);
        } catch (HandshakeException e) {
            fail(client, e.getMessage());
        } catch (ResponseException e) {
            fail(client, "bad answer from server: " + e.getMessage());
        } catch (IOException e) {
            fail(client, describe(e));
        } catch (WebSocketException e) {
            fail(client, "bad frame from server: " + e.getMessage());
        } catch (RuntimeException e) {
            fail(client, "generator error: " + e);
        }
    }

    // ---- clients' and jobs' access -----------------------------------------------------------

    SecureRandom random() { return random; }

    Traffic.Meter traffic() { return traffic; }

    Timers timers() { return timers; }

    int membersOf(String room) { return roomMembers.getOrDefault(room, 0); }

    void connectJobDone(ConnectResult result) {
        CompletableFuture<ConnectResult> done = connectJob.done;
        connectJob = null;
        done.complete(result);
    }

    void loadJobDone(LoadResult result) {
        CompletableFuture<LoadResult> done = loadJob.done;
        loadJob = null;
        done.complete(result);
    }

    // ---- starting clients ----------------------------------------------------------------------

    void startClient(ConnectJob job, int index) {
        LoadClient client = LoadClient.create(this, job.plan, index);
        clients.add(client);
        job.started(client);
        try {
            client.start();
        } catch (IOException | RuntimeException e) {
            fail(client, describe(e));
        }
    }

    /**
     * Opens a socket for {@code client} from its plan's source address. Once connected the
     * generator calls {@link LoadClient#connected}; a socket that connected at once (loopback
     * can) is marked {@link ClientSocket#connected} and the caller carries on itself.
     */
    ClientSocket open(LoadClient client) throws IOException {
        ConnectPlan plan = client.plan;
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (plan.sourceAddress() != null && !plan.sourceAddress().isEmpty()) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(plan.sourceAddress(), 0));
            }
            ClientSocket socket = new ClientSocket(client, channel);
            if (channel.connect(new InetSocketAddress(plan.host(), plan.port()))) {
                socket.connected = true;
                socket.key = channel.register(selector, SelectionKey.OP_READ, socket);
            } else {
                socket.key = channel.register(selector, SelectionKey.OP_CONNECT, socket);
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The server confirmed the join (or, on {@code /echo}, the handshake): the client counts from now on. */
    void becomeReady(LoadClient client) {
        client.state = LoadClient.State.READY;
        ready.add(client);
        if (client.room != null) roomMembers.merge(client.room, 1, Integer::sum);
        if (connectJob != null) connectJob.opened(client);
    }

    // ---- reading -----------------------------------------------------------------------------

    private void read(ClientSocket socket) throws IOException, WebSocketException {
        for (int turn = 0; turn < 4; turn++) {
            readBuffer.clear();
            int n = socket.channel.read(readBuffer);
            if (n < 0) {
                socket.client.ended(socket);
                return;
            }
            if (n == 0) return;
            traffic.read(n);
            readBuffer.flip();
            socket.client.read(socket, readBuffer);
            if (socket.closed || n < readBuffer.capacity()) return;
        }
    }

    /** A chat message from the server, as bytes (a frame's payload, an event's data). */
    void chat(LoadClient client, byte[] json) {
        ServerMessage message;
        try {
            message = ServerMessage.parse(json);
        } catch (IOException e) {
            fault("unparsable message from server: " + new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8));
            return;
        }
        chat(client, message, json.length);
    }

    /** A chat message from the server reached {@code client} inside a poll's answer. */
    void chat(LoadClient client, ServerMessage message) {
        chat(client, message, 0);
    }

    /**
     * A chat message from the server reached {@code client}: {@code payloadLength} is its bytes as
     * the payload of one frame (or event), which the stalled readers' accounting counts (stalled
     * readers are WebSockets: a poll's answer, 0 here, is never counted).
     */
    private void chat(LoadClient client, ServerMessage message, int payloadLength) {
        if (loadJob != null && loadJob.isStalled(client)) {
            loadJob.stalledReceived(client, payloadLength, message);
            return;
        }
        if (message.type() == null) {
            fault("message without a type from server");
            return;
        }
        switch (message.type()) {
            case "joined" -> {
                if (client.state == LoadClient.State.JOINING) becomeReady(client);
            }
            case "message" -> {
                if (loadJob != null) loadJob.delivered(client, message.id(), message.seq(), payloadLength);
            }
            case "computed", "slept" -> {
                if (loadJob != null) loadJob.labAnswered(client, message.id(), message.thread());
            }
            case "error" -> fault("server answered error " + message.code() + (message.id() == null ? "" : " to " + message.id()));
            default -> {
                // presence, left: part of the chat, not of the measurement.
            }
        }
    }

    void echoed(LoadClient client, byte[] payload) {
        if (loadJob == null) return;
        String text = new String(payload, 0, Math.min(payload.length, 80), StandardCharsets.US_ASCII);
        MessageId message = MessageId.parse(text);
        if (message == null) {
            fault("echo reply that was never sent: " + text);
        } else {
            loadJob.echoed(client, message);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    /** Bytes for {@code socket}, written now or queued until it takes them (or connects). */
    void write(ClientSocket socket, byte[] bytes) {
        if (socket == null || socket.closed) return;
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (socket.unsent.isEmpty() && socket.connected) {
            int before = buffer.remaining();
            try {
                socket.channel.write(buffer);
            } catch (IOException e) {
                fail(socket.client, describe(e));
                return;
            } finally {
                traffic.wrote(before - buffer.remaining());
            }
            if (!buffer.hasRemaining()) return;
            socket.key.interestOps(socket.key.interestOps() | SelectionKey.OP_WRITE);
        }
        socket.unsent.add(buffer);
    }

    private void writeUnsent(ClientSocket socket) throws IOException {
        while (!socket.unsent.isEmpty()) {
            ByteBuffer head = socket.unsent.peek();
            traffic.wrote(socket.channel.write(head));
            if (head.hasRemaining()) return;
            socket.unsent.poll();
        }
        // Only writing is done: a stalled reader's socket stays out of the read interest.
        socket.key.interestOps(socket.key.interestOps() & ~SelectionKey.OP_WRITE);
    }

    // ---- failing and closing -----------------------------------------------------------------

    /** A WebSocket's close handshake ended (or the server went away without one). */
    void closed(LoadClient client, int code, String reason) {
        String during = client.state == LoadClient.State.OPENING ? " during the handshake" : "";
        String note = code == CloseCode.ABNORMAL ? "server closed the connection" + during + " without a close frame"
                : "server closed with " + code + (reason.isEmpty() ? "" : " (" + reason + ")");
        if (loadJob != null && client.state == LoadClient.State.READY
                && loadJob.stalledEnded(client, code == CloseCode.ABNORMAL ? StalledReader.NO_CLOSE_FRAME : code, note)) {
            drop(client);
            return;
        }
        if (code == CloseCode.POLICY_VIOLATION && loadJob != null) loadJob.closedAsSlowConsumer();
        fail(client, note);
    }

    /**
     * {@code client} cannot go on: close its sockets; counted as a fault once it was ready, as a
     * failed connect before. A stalled reader's end is its own record ({@link StalledReader}), no fault.
     */
    void fail(LoadClient client, String reason) {
        if (client.state == LoadClient.State.CLOSED) return;
        if (client.state == LoadClient.State.READY && loadJob != null
                && loadJob.stalledEnded(client, StalledReader.NO_CLOSE_FRAME, reason)) {
            drop(client);
            return;
        }
        boolean wasReady = client.state == LoadClient.State.READY;
        drop(client);
        if (wasReady) {
            fault("client " + client.name() + " (" + client.plan.transport().id() + "): " + reason);
        } else if (connectJob != null) {
            connectJob.failed(reason, true);
        }
    }

    /** Closes a client's sockets and forgets it: no longer ready, no longer a member of its room. */
    private void drop(LoadClient client) {
        if (client.state == LoadClient.State.CLOSED) return;
        boolean wasReady = client.state == LoadClient.State.READY;
        client.state = LoadClient.State.CLOSED;
        client.close();
        clients.remove(client);
        if (wasReady) {
            ready.remove(client);
            if (client.room != null) roomMembers.merge(client.room, -1, Integer::sum);
        }
    }

    void fault(String reason) {
        if (loadJob != null) {
            loadJob.fault(reason);
        } else {
            idleFaults++;
            if (firstIdleFault == null) firstIdleFault = reason;
        }
    }

    /** Closes {@code socket} (a client's own call, or on the way out); nothing more is read from it or written. */
    void close(ClientSocket socket) {
        if (socket == null || socket.closed) return;
        socket.closed = true;
        socket.unsent.clear();
        try {
            if (socket.key != null) socket.key.cancel();
            socket.channel.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    private void closeEverything() {
        if (connectJob != null) connectJobDone(connectJob.result());
        for (LoadClient client : clients) {
            client.state = LoadClient.State.CLOSED;
            client.close();
        }
        clients.clear();
        ready.clear();
        roomMembers.clear();
        timers.clear();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
