package chatlab.peers.javawebsocket;

import chatlab.peers.PeerConnection;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;

/**
 * The {@code java-websocket} reference peer: TooTallNate's Java-WebSocket 1.6.0
 * {@link WebSocketServer}, with a {@link Draft_6455} whose frame limit is {@code maxMessageBytes},
 * and {@code TCP_NODELAY} on (Jetty and Netty set it by default; this library does not).
 *
 * <p><b>Threads.</b> One selector thread ({@code WebSocketSelector-N}) accepts, reads every socket
 * into buffers and writes every socket's queue; one decoder thread per core
 * ({@code WebSocketWorker-N}) parses what was read and calls the listener, each connection being
 * pinned to one worker, so a connection's messages are handled in order on one thread. A chat
 * message's fan-out runs on the sender's worker: {@code send} encodes the frame, appends it to the
 * receiver's queue and wakes the selector, which writes it when the socket takes it. One more
 * thread of ours ({@code java-websocket-timers}) runs the idle sweep, the head timeout and the
 * closes that must not run on a caller holding a room's lock.
 *
 * <p><b>What the library does not do, and this class adds.</b> A {@link WebSocketServer} answers
 * nothing but upgrades: any other request gets a fixed {@code 404 WebSocket Upgrade Failure} page,
 * and its only hook, {@code onWebsocketHandshakeReceivedAsServer}, sees upgrades alone and can only
 * refuse them with that same 404. So each connection is a {@link PeerSocket} (made by the server's
 * {@link WebSocketServerFactory}, the library's extension point) that reads the request head itself
 * before the library does: {@code /stats}, {@code /}, 404, 405, 431 and the handshake's 400/426
 * are answered from there, and a valid upgrade for {@code /ws} or {@code /echo} is handed to the
 * library unchanged. That also bounds the head (the library buffers a head of any size) and
 * enforces the head timeout (the library has none).
 *
 * <p><b>Slow and hostile clients.</b> The library closes with 1002 for framing errors, 1007 for
 * invalid UTF-8 and 1009 for a frame or a reassembled message over {@code maxMessageBytes}. It
 * keeps each connection's unsent frames in an unbounded public queue ({@code outQueue}) and offers
 * no buffered-amount figure, so {@link PeerSocket} sums that queue, only when a running estimate
 * says it may have passed the bound: past it the connection is closed with 1008 and cut a few
 * seconds later. A connection silent for the idle interval is pinged, and closed with 1001 after
 * another silent interval (the library's own "connection lost" timer is switched off: it pings
 * everyone on a fixed period in whole seconds and drops without a close frame). Bad chat input
 * gets an {@code error} message; nothing of this touches another connection.
 *
 * <p><b>Deviations from PROTOCOL.md.</b> The library accepts unmasked client frames (no 1002). The
 * 1008 close frame waits behind the frames already queued: the selector thread writes the queue
 * without a lock we could take, so dropping from it could cut a frame in half; a client that
 * never reads sees the TCP connection close instead. Invalid UTF-8 in a continuation frame is
 * found (1007) only when the message is complete, not as the bytes arrive, and a fragmented
 * message is checked against the size limit only at its first and last frame. Continuation frames are not "activity" for the idle timer until their message is
 * complete. Its own handshake checks are loose (it ignores {@code Upgrade} and {@code Connection});
 * the 400 and 426 answers come from {@link chatlab.peers.PeerHttp}'s checks, made before it sees
 * the request. Its selector can lose a write wake-up under a rare race (see
 * {@code PeerSocket.rearmStrandedWrite}); the idle sweep re-arms it, so such a frame arrives up
 * to one sweep late instead of never: in a benchmark, a latency outlier.
 */
public final class JavaWebSocketChatServer implements ChatServer {

    public static final String MODEL = "java-websocket";

    private final ServerContext context;
    private final ScheduledThreadPoolExecutor timers;
    /** Every connection not yet closed, WebSocket or not: the idle sweep and {@link #close} walk it. */
    private final Set<PeerSocket> sockets = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Server server;

    public JavaWebSocketChatServer(ServerConfig config) {
        this.context = ServerContext.create(MODEL, config);
        this.timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name(MODEL + "-timers").daemon(true).factory());
        this.timers.setRemoveOnCancelPolicy(true);
    }

    @Override
    public String model() { return MODEL; }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        ServerConfig config = context.config();
        Draft draft = new Draft_6455(List.of(), List.of(new Protocol("")), config.maxMessageBytes());
        server = new Server(new InetSocketAddress(host, port), List.of(draft));
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setDaemon(true);
        server.setConnectionLostTimeout(0);
        server.setWebSocketFactory(new Sockets());
        server.start();
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof IOException io ? io : new IOException("java-websocket did not start", e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            close();
            throw new IOException("java-websocket did not start", e);
        }
        long tick = Math.clamp(config.idleInterval().toMillis() / 10, 10, 1000);
        timers.scheduleWithFixedDelay(this::sweepIdle, tick, tick, TimeUnit.MILLISECONDS);
        return new InetSocketAddress(host, server.getPort());
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (server != null) {
            try {
                // Closes every open WebSocket with 1001 and waits for the selector thread.
                server.stop((int) (ServerConnection.CLOSE_GRACE.toMillis() + 1000), "server stopping");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (PeerSocket socket : sockets) {
            socket.closeConnection(CloseFrame.GOING_AWAY, "server stopped");
        }
        timers.shutdownNow();
        context.close(); // after the connections: their members have left the rooms
    }

    /** Called by a socket once it is closed for good. */
    void forget(PeerSocket socket) {
        sockets.remove(socket);
    }

    private void sweepIdle() {
        long now = System.nanoTime();
        for (PeerSocket socket : sockets) {
            socket.checkIdle(now);
        }
    }

    /** Makes a {@link PeerSocket} for every accepted connection. */
    private final class Sockets implements WebSocketServerFactory {

        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter listener, Draft draft) {
            return createWebSocket(listener, List.of(draft));
        }

        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter listener, List<Draft> drafts) {
            PeerSocket socket = new PeerSocket(listener, drafts, context, timers, JavaWebSocketChatServer.this);
            sockets.add(socket);
            return socket;
        }

        @Override
        public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) {
            return channel;
        }

        @Override
        public void close() {}
    }

    /** The library's callbacks, each handed to the connection it is about. */
    private final class Server extends WebSocketServer {

        Server(InetSocketAddress address, List<Draft> drafts) {
            super(address, drafts);
        }

        @Override
        public void onStart() {
            started.complete(null);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            if (!((PeerSocket) conn).opened()) {
                removeConnection(conn); // closed before it was registered: do not keep it
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            ((PeerSocket) conn).onText(message);
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            ((PeerSocket) conn).onBinary(message);
        }

        @Override
        public void onWebsocketPing(WebSocket conn, Framedata frame) {
            ((PeerSocket) conn).heard();
            super.onWebsocketPing(conn, frame); // the library's pong
        }

        @Override
        public void onWebsocketPong(WebSocket conn, Framedata frame) {
            ((PeerSocket) conn).heard();
        }

        @Override
        public void onCloseInitiated(WebSocket conn, int code, String reason) {
            if (PeerConnection.isProtocolClose(code)) {
                context.counters().protocolClose();
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            ((PeerSocket) conn).gone();
        }

        @Override
        public void onError(WebSocket conn, Exception e) {
            if (conn == null) {
                // The server itself failed (cannot bind, most likely).
                started.completeExceptionally(e);
            } else if (!(e instanceof InvalidDataException)) {
                // Protocol violations are counted by their close code; this is I/O or worse.
                context.counters().ioError();
            }
        }
    }
}
