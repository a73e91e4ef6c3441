package chatlab.cli.client;

import chatlab.protocol.client.ClientWebSocket;
import chatlab.protocol.client.HandshakeException;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The terminal chat: lines typed on standard input are said in the room, and the room's messages
 * and presence are printed, across connection losses and server restarts, until input ends.
 *
 * <p>Threads: the <em>connection</em> thread connects, reads the socket (blocking, with a 1 s
 * timeout that doubles as the liveness clock), and after a loss waits out the backoff and connects
 * again, forever. The caller's thread reads standard input. Both touch the WebSocket and the
 * {@link RoomSync} only while holding {@link #lock}, which also keeps their writes to the socket
 * from interleaving. The protocol work is the protocol module's {@link ClientWebSocket} (handshake,
 * masking, pings, close handshake) and {@link RoomSync} (resume, exactly-once); this class only
 * moves bytes and lines.
 */
public final class TerminalChat {

    /** Silence after which the client asks the server for an answer, and after which it gives up. */
    static final Duration HEARTBEAT_AFTER = Duration.ofSeconds(15);
    static final Duration DEAD_AFTER = Duration.ofSeconds(30);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long the end of input waits for typed messages to be taken by the server. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int READ_TIMEOUT_MILLIS = 1000;
    private static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final URI url;
    private final String room;
    private final String name;
    private final PrintStream out;
    private final SecureRandom random = new SecureRandom();
    private final RoomSync sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Signalled when a message's echo came back (the outbox shrank). */
    private final Condition drained = lock.newCondition();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Guarded by {@link #lock}. */
    private ClientWebSocket webSocket;
    private Socket socket;
    private boolean closing;

    public TerminalChat(URI url, String room, String name, PrintStream out) {
        this.url = url;
        this.room = room;
        this.name = name;
        this.out = out;
        this.sync = new RoomSync(room, name, HexFormat.of().formatHex(random.generateSeed(4)), System::nanoTime);
    }

    /** Chats until {@code input} ends (or a line {@code /quit}), then leaves the room and closes. */
    public void run(InputStream input) throws IOException, InterruptedException {
        Thread connection = Thread.ofPlatform().name("chatlab-client-connection").daemon(true).start(this::connectForever);
        BufferedReader lines = new BufferedReader(new java.io.InputStreamReader(input, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.equals("/quit")) break;
            if (line.isBlank()) continue;
            lock.lock();
            try {
                sync.say(line);
            } finally {
                lock.unlock();
            }
        }
        leave();
        connection.join(TimeUnit.SECONDS.toMillis(3));
    }

    private void connectForever() {
        int failures = 0;
        try {
            while (!isClosing()) {
                Ended ended = connectOnce();
                if (isClosing()) return;
                if (ended.wentLive()) failures = 0;
                Duration wait = Backoff.delay(failures++, ThreadLocalRandom.current()::nextDouble);
                status(String.format("%s: %s; retrying in %.1f s", ended.wentLive() ? "connection lost" : "cannot connect",
                        ended.why(), wait.toMillis() / 1000.0));
                lock.lock();
                try {
                    if (!closing) wake.await(wait.toMillis(), TimeUnit.MILLISECONDS);
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** How a connection ended: whether it had gone live, and why it ended. */
    private record Ended(boolean wentLive, String why) {}

    /** One connection, from connect to loss. */
    private Ended connectOnce() {
        String host = url.getHost();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        boolean wentLive = false;
        String lost = "connection closed";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream socketOut = s.getOutputStream();
            Listener listener = new Listener();
            lock.lock();
            try {
                if (closing) return new Ended(false, "closing");
                socket = s;
                webSocket = new ClientWebSocket(host, port, path, MAX_MESSAGE_BYTES, random, bytes -> write(socketOut, bytes), listener);
                webSocket.start();
            } finally {
                lock.unlock();
            }
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long lastHeard = System.nanoTime();
            long heartbeatSent = 0;
            while (!listener.closed) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    long silent = System.nanoTime() - lastHeard;
                    if (silent >= DEAD_AFTER.toNanos()) {
                        lost = "no answer from the server for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s";
                        break;
                    }
                    if (silent >= HEARTBEAT_AFTER.toNanos() && heartbeatSent < lastHeard) {
                        heartbeatSent = System.nanoTime();
                        locked(sync::heartbeat);
                    }
                    locked(sync::retryRefused);
                    continue;
                }
                if (n < 0) {
                    locked(() -> webSocket.onEndOfInput());
                    break;
                }
                lastHeard = System.nanoTime();
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                lock.lock();
                try {
                    webSocket.onRead(bytes);
                } finally {
                    lock.unlock();
                }
                wentLive |= listener.live;
            }
            if (listener.closed) lost = listener.why;
        } catch (HandshakeException e) {
            lost = "the server refused the WebSocket handshake: " + e.getMessage();
        } catch (WebSocketException e) {
            lost = "the server broke the protocol (" + e.closeCode() + "): " + e.reason();
        } catch (IOException e) {
            lost = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } finally {
            lock.lock();
            try {
                sync.disconnected();
                webSocket = null;
                socket = null;
            } finally {
                lock.unlock();
            }
        }
        return new Ended(wentLive, lost);
    }

    /**
     * Waits (a little) for what was typed to be taken by the server, so that piped input is not
     * lost, then leaves the room, closes the WebSocket with 1000 and waits briefly for the server's close.
     */
    private void leave() throws InterruptedException {
        lock.lock();
        try {
            if (sync.pending() > 0) {
                status("waiting up to " + DRAIN_TIMEOUT.toSeconds() + " s for " + sync.pending() + " message(s) to reach the server");
            }
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (sync.pending() > 0 && System.nanoTime() < deadline) {
                drained.await(100, TimeUnit.MILLISECONDS);
            }
            closing = true;
            if (webSocket != null && webSocket.state() == ClientWebSocket.State.OPEN) {
                ObjectNode leave = RoomSync.JSON.object("leave");
                leave.put("room", room);
                webSocket.sendText(RoomSync.JSON.write(leave));
                webSocket.close(CloseCode.NORMAL, "bye");
            } else if (socket != null) {
                closeQuietly(socket);
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (!stopped.await(2, TimeUnit.SECONDS)) {
            lock.lock();
            try {
                if (socket != null) closeQuietly(socket); // the server did not finish the close handshake
            } finally {
                lock.unlock();
            }
        }
        if (sync.pending() > 0) out.println("! " + sync.pending() + " message(s) not sent: the chat closed before the server took them");
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Called with {@link #lock} held (ClientWebSocket writes from inside its calls). */
    private void write(OutputStream socketOut, byte[] bytes) {
        try {
            socketOut.write(bytes);
            socketOut.flush();
        } catch (IOException e) {
            closeQuietly(socket); // the read loop then ends with the error
        }
    }

    private void status(String text) {
        out.println("! " + text);
    }

    private void show(RoomSync.Shown shown) {
        switch (shown) {
            case RoomSync.Shown.Message m -> out.println(LocalTime.ofInstant(Instant.ofEpochMilli(m.ts()), ZoneId.systemDefault()).format(TIME)
                    + " " + m.from() + (m.mine() ? " (you)" : "") + ": " + m.text());
            case RoomSync.Shown.Presence p -> out.println("* " + p.name() + (p.event().equals("join") ? " joined" : " left")
                    + " (" + p.members() + " here)");
            case RoomSync.Shown.Notice n -> out.println(switch (n.kind()) {
                case "live" -> "* live: " + url + ", room " + room + " as " + name;
                case "gap" -> "! gap: " + n.text();
                default -> "! " + n.text();
            });
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) s.close();
        } catch (IOException e) {
            // closing is best effort; the read loop reports the loss
        }
    }

    /** What the WebSocket reports; called with {@link #lock} held, on the connection thread. */
    private final class Listener implements ClientWebSocket.Listener, RoomSync.Output {
        volatile boolean closed;
        volatile boolean live;
        String why = "";

        @Override
        public void onOpen() {
            sync.connected(this);
        }

        @Override
        public void onMessage(int opcode, byte[] payload) {
            if (opcode != Opcode.TEXT) return;
            sync.received(new String(payload, StandardCharsets.UTF_8));
            live |= sync.isLive();
            if (sync.pending() == 0) drained.signalAll();
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            closed = true;
            why = "closed by the " + (remote ? "server" : "client") + " (" + code + (reason.isEmpty() ? "" : ": " + reason) + ")";
        }

        @Override
        public void send(String json) {
            webSocket.sendText(json);
        }

        @Override
        public void show(RoomSync.Shown shown) {
            TerminalChat.this.show(shown);
        }
    }
}
