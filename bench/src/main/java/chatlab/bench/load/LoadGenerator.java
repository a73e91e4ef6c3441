package chatlab.bench.load;

import chatlab.protocol.client.ClientWebSocket;
import chatlab.protocol.client.HandshakeException;
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
 * The load generator: non-blocking {@link SocketChannel}s on one selector thread, each speaking
 * the client role of RFC 6455 through the protocol module's {@link ClientWebSocket}, and
 * chatlab's chat on top (join a room, say, check every delivery).
 *
 * <p>Callers hand it a {@link ConnectPlan} ({@link ConnectJob}) or a {@link LoadPlan}
 * ({@link LoadJob}); the work runs on the selector thread, which alone touches the connections,
 * and the caller waits for the result with a timeout derived from the plan, so nothing waits
 * forever. Commands reach the thread through a bounded queue plus {@link Selector#wakeup()}; the
 * thread never polls: it sleeps in {@code select} until a socket is ready or the next send is due.
 */
public final class LoadGenerator implements Generator {

    private final Selector selector;
    private final Thread thread;
    /** Commands from the controlling thread (a few per step); bounded so a runaway caller fails loudly. */
    private final ArrayBlockingQueue<Runnable> commands = new ArrayBlockingQueue<>(1024);
    private final SecureRandom random = new SecureRandom();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final Set<GeneratorConnection> ready = new LinkedHashSet<>();
    private final Map<String, Integer> roomMembers = new HashMap<>();
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
        long next = now + TimeUnit.SECONDS.toNanos(1);
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
        GeneratorConnection connection = (GeneratorConnection) key.attachment();
        if (!key.isValid()) return;
        try {
            if (key.isConnectable()) {
                if (connection.channel.finishConnect()) connected(connection);
                return;
            }
            if (key.isWritable()) writeUnsent(connection);
            if (key.isValid() && key.isReadable()) read(connection);
        } catch (HandshakeException e) {
            fail(connection, e.getMessage());
        } catch (IOException e) {
            fail(connection, describe(e));
        } catch (WebSocketException e) {
            fail(connection, "bad frame from server: " + e.getMessage());
        } catch (RuntimeException e) {
            fail(connection, "generator error: " + e);
        }
    }

    // ---- jobs' access ------------------------------------------------------------------------

    SecureRandom random() { return random; }

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

    // ---- connecting --------------------------------------------------------------------------

    void startConnection(ConnectJob job, int index) {
        ConnectPlan plan = job.plan;
        SocketChannel channel = null;
        GeneratorConnection connection = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (plan.sourceAddress() != null && !plan.sourceAddress().isEmpty()) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(plan.sourceAddress(), 0));
            }
            String room = plan.chat() ? ConnectPlan.roomOf(index, plan.roomSize()) : null;
            connection = new GeneratorConnection(this, index, room, channel, System.nanoTime(), plan);
            job.started(connection);
            if (channel.connect(new InetSocketAddress(plan.host(), plan.port()))) {
                connection.key = channel.register(selector, 0, connection);
                connected(connection);
            } else {
                connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
            }
        } catch (IOException | RuntimeException e) {
            if (connection != null) {
                fail(connection, describe(e));
                return;
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // The failure below is what matters.
                }
            }
            job.failed(describe(e), false);
        }
    }

    private void connected(GeneratorConnection connection) {
        connection.state = GeneratorConnection.State.HANDSHAKE;
        connection.key.interestOps(SelectionKey.OP_READ);
        connection.ws.start();
    }

    /** The handshake succeeded: on {@code /ws} join the room, on {@code /echo} be ready at once. */
    void opened(GeneratorConnection connection) {
        if (connection.room == null) {
            becomeReady(connection);
        } else {
            connection.state = GeneratorConnection.State.JOINING;
            connection.ws.sendText("{\"type\":\"join\",\"room\":\"" + connection.room + "\",\"name\":\"u" + connection.index + "\"}");
        }
    }

    private void becomeReady(GeneratorConnection connection) {
        connection.state = GeneratorConnection.State.READY;
        ready.add(connection);
        if (connection.room != null) roomMembers.merge(connection.room, 1, Integer::sum);
        if (connectJob != null) connectJob.opened(connection);
    }

    // ---- reading -----------------------------------------------------------------------------

    private void read(GeneratorConnection connection) throws IOException, WebSocketException {
        for (int turn = 0; turn < 4; turn++) {
            readBuffer.clear();
            int n = connection.channel.read(readBuffer);
            if (n < 0) {
                connection.ws.onEndOfInput();
                return;
            }
            if (n == 0) return;
            readBuffer.flip();
            connection.ws.onRead(readBuffer);
            if (connection.state == GeneratorConnection.State.CLOSED || n < readBuffer.capacity()) return;
        }
    }

    /** A whole message from the server: an echo, or a chat message. */
    void received(GeneratorConnection connection, byte[] payload) {
        if (connection.room == null) {
            echoed(connection, payload);
            return;
        }
        ServerMessage message;
        try {
            message = ServerMessage.parse(payload);
        } catch (IOException e) {
            fault("unparsable message from server: " + new String(payload, StandardCharsets.UTF_8));
            return;
        }
        if (loadJob != null && loadJob.isStalled(connection)) {
            loadJob.stalledReceived(connection, payload.length, message);
            return;
        }
        if (message.type() == null) {
            fault("message without a type from server");
            return;
        }
        switch (message.type()) {
            case "joined" -> {
                if (connection.state == GeneratorConnection.State.JOINING) becomeReady(connection);
            }
            case "message" -> {
                if (loadJob != null) loadJob.delivered(connection, message.id(), message.seq(), payload.length);
            }
            case "computed", "slept" -> {
                if (loadJob != null) loadJob.labAnswered(connection, message.id(), message.thread());
            }
            case "error" -> fault("server answered error " + message.code() + (message.id() == null ? "" : " to " + message.id()));
            default -> {
                // presence, left: part of the chat, not of the measurement.
            }
        }
    }

    private void echoed(GeneratorConnection connection, byte[] payload) {
        if (loadJob == null) return;
        String text = new String(payload, 0, Math.min(payload.length, 80), StandardCharsets.US_ASCII);
        MessageId message = MessageId.parse(text);
        if (message == null) {
            fault("echo reply that was never sent: " + text);
        } else {
            loadJob.echoed(connection, message);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    void sendText(GeneratorConnection connection, String text) {
        connection.ws.sendText(text);
    }

    /** The bytes of a connection's {@link ClientWebSocket}, written now or queued until the socket takes them. */
    void write(GeneratorConnection connection, byte[] bytes) {
        if (connection.state == GeneratorConnection.State.CLOSED) return;
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (connection.unsent.isEmpty()) {
            try {
                connection.channel.write(buffer);
            } catch (IOException e) {
                fail(connection, describe(e));
                return;
            }
            if (!buffer.hasRemaining()) return;
            connection.key.interestOps(connection.key.interestOps() | SelectionKey.OP_WRITE);
        }
        connection.unsent.add(buffer);
    }

    private void writeUnsent(GeneratorConnection connection) throws IOException {
        while (!connection.unsent.isEmpty()) {
            ByteBuffer head = connection.unsent.peek();
            connection.channel.write(head);
            if (head.hasRemaining()) return;
            connection.unsent.poll();
        }
        connection.key.interestOps(SelectionKey.OP_READ);
    }

    // ---- failing and closing -----------------------------------------------------------------

    /** The connection's close handshake ended (or the server went away without one). */
    void closed(GeneratorConnection connection, int code, String reason, boolean remote) {
        String during = connection.state == GeneratorConnection.State.HANDSHAKE ? " during the handshake" : "";
        String note = code == CloseCode.ABNORMAL ? "server closed the connection" + during + " without a close frame"
                : "server closed with " + code + (reason.isEmpty() ? "" : " (" + reason + ")");
        if (loadJob != null && connection.state == GeneratorConnection.State.READY
                && loadJob.stalledEnded(connection, code == CloseCode.ABNORMAL ? StalledReader.NO_CLOSE_FRAME : code, note)) {
            drop(connection);
            return;
        }
        if (code == CloseCode.POLICY_VIOLATION && loadJob != null) loadJob.closedAsSlowConsumer();
        fail(connection, note);
    }

    void fail(GeneratorConnection connection, String reason) {
        if (connection.state == GeneratorConnection.State.CLOSED) return;
        if (connection.state == GeneratorConnection.State.READY && loadJob != null
                && loadJob.stalledEnded(connection, StalledReader.NO_CLOSE_FRAME, reason)) {
            drop(connection);
            return;
        }
        boolean wasReady = connection.state == GeneratorConnection.State.READY;
        drop(connection);
        if (wasReady) {
            fault("connection u" + connection.index + ": " + reason);
        } else if (connectJob != null) {
            connectJob.failed(reason, true);
        }
    }

    /** Closes a connection and forgets it: no longer ready, no longer a member of its room. */
    private void drop(GeneratorConnection connection) {
        if (connection.state == GeneratorConnection.State.CLOSED) return;
        boolean wasReady = connection.state == GeneratorConnection.State.READY;
        connection.state = GeneratorConnection.State.CLOSED;
        closeChannel(connection);
        if (wasReady) {
            ready.remove(connection);
            if (connection.room != null) roomMembers.merge(connection.room, -1, Integer::sum);
        }
    }

    private void fault(String reason) {
        if (loadJob != null) {
            loadJob.fault(reason);
        } else {
            idleFaults++;
            if (firstIdleFault == null) firstIdleFault = reason;
        }
    }

    private static void closeChannel(GeneratorConnection connection) {
        try {
            if (connection.key != null) connection.key.cancel();
            connection.channel.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    private void closeEverything() {
        if (connectJob != null) connectJobDone(connectJob.result());
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof GeneratorConnection connection) {
                connection.state = GeneratorConnection.State.CLOSED;
                closeChannel(connection);
            }
        }
        ready.clear();
        roomMembers.clear();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
