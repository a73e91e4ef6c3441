package chatlab.bench.load;

import chatlab.protocol.http.Handshake;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * The load generator: non-blocking {@link SocketChannel}s on one selector thread, speaking the
 * client role of RFC 6455 (masked frames, keys from a {@link SecureRandom}) and chatlab's chat.
 *
 * <p>Callers hand it a {@link ConnectPlan} or a {@link LoadPlan}; the work runs on the selector
 * thread, which alone touches the connections, and the caller waits for the result with a timeout
 * derived from the plan, so nothing waits forever. Commands reach the thread through a queue plus
 * {@link Selector#wakeup()}; the thread never polls.
 *
 * <p>Latency is taken from the <em>intended</em> send time of an open-loop schedule, written in
 * the message's {@code id} (chat) or payload (echo): if the generator or the server falls behind,
 * the messages that should have left already still count from when they should have left.
 */
public final class LoadGenerator implements Generator {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_SENDS_PER_TURN = 2_000;

    private final Selector selector;
    private final Thread thread;
    /** Commands from the controlling thread (a few per step); bounded so a runaway caller fails loudly. */
    private final java.util.concurrent.ArrayBlockingQueue<Runnable> commands = new java.util.concurrent.ArrayBlockingQueue<>(1024);
    private final SecureRandom random = new SecureRandom();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final Set<ClientConnection> ready = new LinkedHashSet<>();
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
        submit(() -> startConnectJob(plan, done));
        return await(done, plan.timeoutMillis() + 15_000, "connect");
    }

    @Override
    public LoadResult load(LoadPlan plan) throws IOException {
        CompletableFuture<LoadResult> done = new CompletableFuture<>();
        submit(() -> startLoadJob(plan, done));
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

    private void submit(Runnable command) throws IOException {
        if (!running) throw new IOException("generator is closed");
        if (!commands.offer(command)) throw new IOException("generator command queue full (1024 pending)");
        selector.wakeup();
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
                while ((command = commands.poll()) != null) {
                    command.run();
                }
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
        long next = now + TimeUnit.SECONDS.toNanos(1);
        if (!commands.isEmpty()) return now;
        if (connectJob != null) next = Math.min(next, connectJob.nextWakeNanos());
        if (loadJob != null) next = Math.min(next, loadJob.nextWakeNanos());
        return next;
    }

    private void failJobs(Throwable cause) {
        if (connectJob != null) connectJob.done.completeExceptionally(cause);
        if (loadJob != null) loadJob.done.completeExceptionally(cause);
        connectJob = null;
        loadJob = null;
    }

    private void handle(SelectionKey key) {
        ClientConnection connection = (ClientConnection) key.attachment();
        if (!key.isValid()) return;
        try {
            if (key.isConnectable()) {
                if (connection.channel.finishConnect()) connected(connection);
                return;
            }
            if (key.isWritable()) writeUnsent(connection);
            if (key.isValid() && key.isReadable()) read(connection);
        } catch (IOException e) {
            fail(connection, describe(e));
        } catch (WebSocketException e) {
            fail(connection, "bad frame from server: " + e.getMessage());
        } catch (RuntimeException e) {
            fail(connection, "generator error: " + e);
        }
    }

    // ---- connecting --------------------------------------------------------------------------

    private void startConnectJob(ConnectPlan plan, CompletableFuture<ConnectResult> done) {
        if (connectJob != null || loadJob != null) {
            done.completeExceptionally(new IllegalStateException("generator is busy"));
            return;
        }
        connectJob = new ConnectJob(plan, done);
        connectJob.advance();
    }

    private void startConnection(ConnectJob job, int index) {
        ConnectPlan plan = job.plan;
        long now = System.nanoTime();
        SocketChannel channel = null;
        ClientConnection connection = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (plan.sourceAddress() != null && !plan.sourceAddress().isEmpty()) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(plan.sourceAddress(), 0));
            }
            byte[] keyBytes = new byte[16];
            random.nextBytes(keyBytes);
            String wsKey = Base64.getEncoder().encodeToString(keyBytes);
            String room = plan.chat() ? ConnectPlan.roomOf(index, plan.roomSize()) : null;
            connection = new ClientConnection(index, room, channel, now, Handshake.acceptKey(wsKey));
            connection.head = request(plan, wsKey);
            job.pending.add(connection);
            job.inFlight++;
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
            job.failed(describe(e));
        }
    }

    private static byte[] request(ConnectPlan plan, String wsKey) {
        return ("GET " + plan.path() + " HTTP/1.1\r\n"
                + "Host: " + plan.host() + ":" + plan.port() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + wsKey + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void connected(ClientConnection connection) throws IOException {
        byte[] request = connection.head;
        connection.head = new byte[512];
        connection.headLength = 0;
        connection.state = ClientConnection.State.HANDSHAKE;
        connection.key.interestOps(SelectionKey.OP_READ);
        send(connection, request);
    }

    /** Reads the response head up to its blank line; the bytes after it are already frames. */
    private void readHead(ClientConnection connection, ByteBuffer in) throws IOException, WebSocketException {
        while (in.hasRemaining()) {
            if (connection.headLength == connection.head.length) {
                if (connection.head.length >= 16 * 1024) throw new IOException("response head over 16 KiB");
                connection.head = java.util.Arrays.copyOf(connection.head, connection.head.length * 2);
            }
            connection.head[connection.headLength++] = in.get();
            int n = connection.headLength;
            if (n >= 4 && connection.head[n - 4] == '\r' && connection.head[n - 3] == '\n'
                    && connection.head[n - 2] == '\r' && connection.head[n - 1] == '\n') {
                upgraded(connection, new String(connection.head, 0, n, StandardCharsets.ISO_8859_1));
                connection.head = null;
                if (in.hasRemaining()) connection.decoder.decode(in, listener(connection));
                return;
            }
        }
    }

    private void upgraded(ClientConnection connection, String head) throws IOException {
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 101")) throw new IOException("handshake refused: " + lines[0]);
        boolean acceptOk = false;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                acceptOk = line.substring(colon + 1).trim().equals(connection.expectedAccept);
            }
        }
        if (!acceptOk) throw new IOException("handshake with a wrong or missing Sec-WebSocket-Accept");
        if (connection.room == null) {
            becomeReady(connection);
        } else {
            connection.state = ClientConnection.State.JOINING;
            sendText(connection, "{\"type\":\"join\",\"room\":\"" + connection.room + "\",\"name\":\"u" + connection.index + "\"}");
        }
    }

    private void becomeReady(ClientConnection connection) {
        connection.state = ClientConnection.State.READY;
        ready.add(connection);
        if (connection.room != null) roomMembers.merge(connection.room, 1, Integer::sum);
        if (connectJob != null) connectJob.opened(connection);
    }

    // ---- reading -----------------------------------------------------------------------------

    private void read(ClientConnection connection) throws IOException, WebSocketException {
        for (int turn = 0; turn < 4; turn++) {
            readBuffer.clear();
            int n = connection.channel.read(readBuffer);
            if (n < 0) {
                fail(connection, "server closed the connection" + (connection.state == ClientConnection.State.CONNECTING
                        || connection.state == ClientConnection.State.HANDSHAKE ? " during the handshake" : " without a close frame"));
                return;
            }
            if (n == 0) return;
            readBuffer.flip();
            if (connection.state == ClientConnection.State.HANDSHAKE) {
                readHead(connection, readBuffer);
            } else {
                connection.decoder.decode(readBuffer, listener(connection));
            }
            if (connection.state == ClientConnection.State.CLOSED || n < readBuffer.capacity()) return;
        }
    }

    private FrameDecoder.Listener listener(ClientConnection connection) {
        return new FrameDecoder.Listener() {
            @Override
            public void onMessage(int opcode, byte[] payload) {
                if (connection.room == null) {
                    echoed(connection, payload);
                } else {
                    chat(connection, payload);
                }
            }

            @Override
            public void onPing(byte[] payload) {
                send(connection, FrameEncoder.clientFrame(Opcode.PONG, true, payload, random));
            }

            @Override
            public void onPong(byte[] payload) {
                // Unsolicited pongs are allowed and ignored.
            }

            @Override
            public void onClose(int code, String reason) {
                send(connection, FrameEncoder.clientFrame(Opcode.CLOSE, true,
                        FrameEncoder.closePayload(code == CloseCode.NO_STATUS ? CloseCode.NORMAL : code, ""), random));
                fail(connection, "server closed with " + code + (reason.isEmpty() ? "" : " (" + reason + ")"));
            }
        };
    }

    private void chat(ClientConnection connection, byte[] payload) {
        String type = null;
        String id = null;
        String code = null;
        long seq = -1;
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "type" -> type = parser.getText();
                    case "id" -> id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "seq" -> seq = value.isNumeric() ? parser.getLongValue() : -1;
                    case "code" -> code = parser.getText();
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            fault("unparsable message from server: " + new String(payload, StandardCharsets.UTF_8));
            return;
        }
        if (type == null) {
            fault("message without a type from server");
            return;
        }
        switch (type) {
            case "joined" -> {
                if (connection.state == ClientConnection.State.JOINING) becomeReady(connection);
            }
            case "message" -> {
                if (loadJob != null) loadJob.delivered(connection, id, seq);
            }
            case "error" -> fault("server answered error " + code + (id == null ? "" : " to " + id));
            default -> {
                // presence, left: part of the chat, not of the measurement.
            }
        }
    }

    private void echoed(ClientConnection connection, byte[] payload) {
        if (loadJob == null) return;
        // run.intendedNanos.index.k.padding
        String text = new String(payload, 0, Math.min(payload.length, 80), StandardCharsets.US_ASCII);
        String[] parts = text.split("\\.", 5);
        try {
            int run = Integer.parseInt(parts[0]);
            long intended = Long.parseLong(parts[1]);
            long k = Long.parseLong(parts[3]);
            loadJob.echoed(connection, run, intended, k);
        } catch (RuntimeException e) {
            fault("echo reply that was never sent: " + text);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    private void sendText(ClientConnection connection, String text) {
        send(connection, FrameEncoder.clientFrame(Opcode.TEXT, true, text.getBytes(StandardCharsets.UTF_8), random));
    }

    private void send(ClientConnection connection, byte[] bytes) {
        if (connection.state == ClientConnection.State.CLOSED) return;
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

    private void writeUnsent(ClientConnection connection) throws IOException {
        while (!connection.unsent.isEmpty()) {
            ByteBuffer head = connection.unsent.peek();
            connection.channel.write(head);
            if (head.hasRemaining()) return;
            connection.unsent.poll();
        }
        connection.key.interestOps(SelectionKey.OP_READ);
    }

    // ---- failing and closing -----------------------------------------------------------------

    private void fail(ClientConnection connection, String reason) {
        if (connection.state == ClientConnection.State.CLOSED) return;
        boolean wasReady = connection.state == ClientConnection.State.READY;
        connection.state = ClientConnection.State.CLOSED;
        closeChannel(connection);
        if (wasReady) {
            ready.remove(connection);
            if (connection.room != null) roomMembers.merge(connection.room, -1, Integer::sum);
            fault("connection u" + connection.index + ": " + reason);
        } else if (connectJob != null) {
            connectJob.failed(reason);
            connectJob.inFlight--;
        }
    }

    private void fault(String reason) {
        if (loadJob != null) {
            loadJob.errors++;
            if (loadJob.firstError == null) loadJob.firstError = reason;
        } else {
            idleFaults++;
            if (firstIdleFault == null) firstIdleFault = reason;
        }
    }

    private static void closeChannel(ClientConnection connection) {
        try {
            if (connection.key != null) connection.key.cancel();
            connection.channel.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    private void closeEverything() {
        if (connectJob != null) {
            connectJob.done.complete(connectJob.result());
            connectJob = null;
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof ClientConnection connection) {
                connection.state = ClientConnection.State.CLOSED;
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

    // ---- jobs --------------------------------------------------------------------------------

    /** A batch of connections being opened, at most {@code maxInFlight} at a time. */
    private final class ConnectJob {
        final ConnectPlan plan;
        final CompletableFuture<ConnectResult> done;
        final long startNanos = System.nanoTime();
        final long deadlineNanos;
        final long perConnectionNanos;
        final ArrayDeque<ClientConnection> pending = new ArrayDeque<>();
        final Histogram latency = Histograms.create();
        int started;
        int inFlight;
        int opened;
        int failed;
        String firstFailure;
        boolean aborted;

        ConnectJob(ConnectPlan plan, CompletableFuture<ConnectResult> done) {
            this.plan = plan;
            this.done = done;
            this.deadlineNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(plan.timeoutMillis());
            this.perConnectionNanos = TimeUnit.MILLISECONDS.toNanos(plan.perConnectionTimeoutMillis());
        }

        void opened(ClientConnection connection) {
            opened++;
            inFlight--;
            Histograms.recordNanos(latency, System.nanoTime() - connection.startNanos);
        }

        void failed(String reason) {
            failed++;
            if (firstFailure == null) firstFailure = reason;
            if (!aborted && failed >= plan.abortAfterFailures()) {
                aborted = true;
                int never = plan.count() - started;
                failed += never;
                started = plan.count();
                if (firstFailure == null) firstFailure = reason;
            }
        }

        long nextWakeNanos() {
            ClientConnection oldest = pending.peek();
            long next = deadlineNanos;
            if (oldest != null) next = Math.min(next, oldest.startNanos + perConnectionNanos);
            return next;
        }

        void advance() {
            long now = System.nanoTime();
            while (!pending.isEmpty() && !pending.peek().pendingReady()) pending.poll();
            while (!pending.isEmpty() && now - pending.peek().startNanos > perConnectionNanos) {
                ClientConnection late = pending.poll();
                fail(late, "not ready within " + plan.perConnectionTimeoutMillis() + " ms (" + late.state + ")");
                while (!pending.isEmpty() && !pending.peek().pendingReady()) pending.poll();
            }
            if (now - deadlineNanos > 0) {
                for (ClientConnection late : new ArrayList<>(pending)) {
                    if (late.pendingReady()) fail(late, "batch timed out after " + plan.timeoutMillis() + " ms");
                }
                pending.clear();
                if (started < plan.count()) {
                    failed += plan.count() - started;
                    started = plan.count();
                }
            }
            while (started < plan.count() && inFlight < plan.maxInFlight()) {
                startConnection(this, plan.firstIndex() + started);
                started++;
            }
            if (started >= plan.count() && inFlight <= 0) {
                connectJob = null;
                done.complete(result());
            }
        }

        ConnectResult result() {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            return new ConnectResult(plan.count(), opened, failed, firstFailure, Histograms.encode(latency), elapsed);
        }
    }

    /** An open-loop send schedule, then the drain. */
    private final class LoadJob {
        final LoadPlan plan;
        final CompletableFuture<LoadResult> done;
        final long intervalNanos;
        final long measureStartNanos;
        final long sendEndNanos;
        final PriorityQueue<ClientConnection> schedule =
                new PriorityQueue<>((a, b) -> Long.compare(a.nextSendNanos, b.nextSendNanos));
        final Histogram latency = Histograms.create();
        final String padding;
        long drainDeadlineNanos = Long.MAX_VALUE;
        long sent;
        long expected;
        long delivered;
        long duplicates;
        long errors;
        long measuredDelivered;
        String firstError;

        LoadJob(LoadPlan plan, CompletableFuture<LoadResult> done) {
            this.plan = plan;
            this.done = done;
            long start = System.nanoTime();
            this.intervalNanos = (long) (1e9 / plan.ratePerSender());
            this.measureStartNanos = start + TimeUnit.MILLISECONDS.toNanos(plan.warmupMillis());
            this.sendEndNanos = measureStartNanos + TimeUnit.MILLISECONDS.toNanos(plan.durationMillis());
            this.padding = "x".repeat(Math.max(1, plan.payloadBytes()));
            List<ClientConnection> senders = new ArrayList<>();
            for (ClientConnection connection : ready) {
                if (connection.index % plan.senderEvery() == 0) senders.add(connection);
            }
            for (ClientConnection sender : senders) {
                sender.sentInRun = 0;
                sender.nextEcho = 0;
                sender.nextSendNanos = start + ThreadLocalRandom.current().nextLong(Math.max(1, intervalNanos));
                schedule.add(sender);
            }
            for (ClientConnection connection : ready) connection.nextEcho = 0;
            errors += idleFaults;
            firstError = firstIdleFault;
            idleFaults = 0;
            firstIdleFault = null;
        }

        long nextWakeNanos() {
            if (!schedule.isEmpty()) return schedule.peek().nextSendNanos;
            return drainDeadlineNanos;
        }

        void advance() {
            long now = System.nanoTime();
            int sends = 0;
            while (!schedule.isEmpty() && schedule.peek().nextSendNanos <= now && sends < MAX_SENDS_PER_TURN) {
                ClientConnection sender = schedule.poll();
                if (sender.state == ClientConnection.State.READY) {
                    sendOne(sender, sender.nextSendNanos);
                    sends++;
                    sender.nextSendNanos += intervalNanos;
                    if (sender.nextSendNanos < sendEndNanos) schedule.add(sender);
                }
            }
            if (schedule.isEmpty() && drainDeadlineNanos == Long.MAX_VALUE) {
                drainDeadlineNanos = Math.max(now, sendEndNanos) + TimeUnit.MILLISECONDS.toNanos(plan.drainTimeoutMillis());
            }
            if (schedule.isEmpty() && (delivered + duplicates >= expected || now - drainDeadlineNanos >= 0)) {
                loadJob = null;
                long measuredMillis = TimeUnit.NANOSECONDS.toMillis(sendEndNanos - measureStartNanos);
                done.complete(new LoadResult(sent, expected, delivered, duplicates, errors, measuredDelivered,
                        measuredMillis, firstError, Histograms.encode(latency)));
            }
        }

        private void sendOne(ClientConnection sender, long intended) {
            long k = sender.sentInRun++;
            if (plan.kind() == LoadPlan.Kind.ECHO) {
                String text = plan.run() + "." + intended + "." + sender.index + "." + k + ".";
                int pad = Math.max(0, plan.payloadBytes() - text.length());
                sendText(sender, text + padding.substring(0, Math.min(pad, padding.length())));
                expected++;
            } else {
                String id = plan.run() + "." + intended + "." + sender.index;
                sendText(sender, "{\"type\":\"say\",\"room\":\"" + sender.room + "\",\"text\":\"" + padding
                        + "\",\"id\":\"" + id + "\"}");
                expected += roomMembers.getOrDefault(sender.room, 0);
            }
            sent++;
        }

        void delivered(ClientConnection recipient, String id, long seq) {
            if (id == null) {
                fault("message without our id");
                return;
            }
            int dot = id.indexOf('.');
            int dot2 = dot < 0 ? -1 : id.indexOf('.', dot + 1);
            long intended;
            try {
                if (dot2 < 0) throw new NumberFormatException(id);
                if (Integer.parseInt(id, 0, dot, 10) != plan.run()) return; // late, from an earlier run
                intended = Long.parseLong(id, dot + 1, dot2, 10);
            } catch (NumberFormatException e) {
                fault("message with an id we never sent: " + id);
                return;
            }
            if (seq <= recipient.lastSeq) {
                duplicates++;
                if (firstError == null) firstError = "u" + recipient.index + " received seq " + seq + " again (last " + recipient.lastSeq + ")";
                return;
            }
            recipient.lastSeq = seq;
            arrived(intended);
        }

        void echoed(ClientConnection connection, int run, long intended, long k) {
            if (run != plan.run()) return;
            if (k < connection.nextEcho) {
                duplicates++;
                if (firstError == null) firstError = "u" + connection.index + " got echo " + k + " again";
                return;
            }
            connection.nextEcho = k + 1;
            arrived(intended);
        }

        private void arrived(long intended) {
            delivered++;
            if (intended >= measureStartNanos && intended < sendEndNanos) {
                measuredDelivered++;
                Histograms.recordNanos(latency, System.nanoTime() - intended);
            }
        }
    }

    private void startLoadJob(LoadPlan plan, CompletableFuture<LoadResult> done) {
        if (connectJob != null || loadJob != null) {
            done.completeExceptionally(new IllegalStateException("generator is busy"));
            return;
        }
        loadJob = new LoadJob(plan, done);
        loadJob.advance();
    }
}
