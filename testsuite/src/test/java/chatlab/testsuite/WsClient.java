package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A WebSocket client from an independent library (Java-WebSocket or Jetty 12), behind one small
 * interface: what arrives is queued as {@link Event}s and taken with a timeout, or handed to a
 * handler when a test receives too much to keep (the concurrency test).
 */
abstract class WsClient implements AutoCloseable {

    /** How long a test waits for one expected message before failing. */
    static final Duration WAIT = Duration.ofSeconds(10);

    enum Kind { JAVA_WEBSOCKET, JETTY }

    sealed interface Event permits Text, Binary, Closed {}

    record Text(String text) implements Event {
        @Override public String toString() { return "Text[" + Json.abbreviate(text) + "]"; }
    }

    record Binary(byte[] data) implements Event {
        @Override public String toString() { return "Binary[" + data.length + " bytes]"; }
    }

    /** The connection ended: the close code the server sent (1006 when there was no close frame). */
    record Closed(int code, String reason) implements Event {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final Consumer<String> textHandler;
    final String label;

    WsClient(String label, Consumer<String> textHandler) {
        this.label = label;
        this.textHandler = textHandler;
    }

    static WsClient connect(Kind kind, URI uri) {
        return connect(kind, uri, null);
    }

    /** A connected client; with a non-null {@code textHandler}, text messages go there instead of the queue. */
    static WsClient connect(Kind kind, URI uri, Consumer<String> textHandler) {
        return switch (kind) {
            case JAVA_WEBSOCKET -> new JavaWebSocket(uri, textHandler);
            case JETTY -> new Jetty(uri, textHandler);
        };
    }

    abstract void sendText(String text);

    abstract void sendBinary(byte[] data);

    /** Starts the closing handshake with this code and reason. */
    abstract void close(int code, String reason);

    @Override
    public abstract void close();

    // ---- what the libraries call back ----

    final void deliverText(String text) {
        if (textHandler != null) {
            textHandler.accept(text);
        } else {
            events.add(new Text(text));
        }
    }

    final void deliverBinary(byte[] data) {
        events.add(new Binary(data));
    }

    final void deliverClose(int code, String reason) {
        Closed event = new Closed(code, reason);
        if (closed.complete(event)) {
            events.add(event);
            if (textHandler instanceof RoomTracker tracker) {
                tracker.closed(code, reason);
            }
        }
    }

    // ---- what tests call ----

    Event next(Duration timeout) {
        try {
            Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                fail(label + ": nothing received within " + timeout.toMillis() + " ms");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    String nextText() {
        Event event = next(WAIT);
        return assertInstanceOf(Text.class, event, label + ": expected a text message").text();
    }

    byte[] nextBinary() {
        Event event = next(WAIT);
        return assertInstanceOf(Binary.class, event, label + ": expected a binary message").data();
    }

    JsonNode nextJson() {
        return Json.parse(nextText());
    }

    /** The next message, which must be a JSON object of this {@code type}. */
    JsonNode expect(String type) {
        JsonNode json = nextJson();
        assertEquals(type, json.path("type").asText(), label + ": expected a '" + type + "' message, got " + json);
        return json;
    }

    /** The next message that is not {@code presence} (presence of other joiners may come at any time). */
    JsonNode nextIgnoringPresence() {
        while (true) {
            JsonNode json = nextJson();
            if (!"presence".equals(json.path("type").asText())) {
                return json;
            }
        }
    }

    void send(String json) {
        sendText(json);
    }

    /** Waits for the connection to end and returns the server's close code. */
    Closed awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(label + ": connection not closed within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new AssertionError(label + ": close failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public String toString() {
        return label;
    }

    // ---- Java-WebSocket (TooTallNate) ----

    private static final class JavaWebSocket extends WsClient {
        private final org.java_websocket.client.WebSocketClient ws;

        JavaWebSocket(URI uri, Consumer<String> textHandler) {
            super("java-websocket client " + uri, textHandler);
            ws = new org.java_websocket.client.WebSocketClient(uri) {
                @Override public void onOpen(ServerHandshake handshake) {}
                @Override public void onMessage(String message) { deliverText(message); }
                @Override public void onMessage(ByteBuffer bytes) {
                    byte[] data = new byte[bytes.remaining()];
                    bytes.get(data);
                    deliverBinary(data);
                }
                @Override public void onClose(int code, String reason, boolean remote) { deliverClose(code, reason); }
                @Override public void onError(Exception e) {
                    // The library calls onClose after an error; the test sees the close code.
                }
            };
            ws.setConnectionLostTimeout(0);
            ws.setTcpNoDelay(true);
            boolean open;
            try {
                open = ws.connectBlocking(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (!open) {
                ws.close();
                fail("java-websocket client could not open " + uri);
            }
        }

        @Override void sendText(String text) { ws.send(text); }
        @Override void sendBinary(byte[] data) { ws.send(data); }
        @Override void close(int code, String reason) { ws.close(code, reason); }
        @Override public void close() {
            if (!ws.isClosed()) {
                ws.close();
            }
        }
    }

    // ---- Jetty 12 ----

    private static final class Jetty extends WsClient {
        private static WebSocketClient shared;
        private final Session session;

        /** One Jetty client for the whole run, on daemon threads, so it never holds the JVM up. */
        private static synchronized WebSocketClient shared() {
            if (shared == null) {
                try {
                    QueuedThreadPool pool = new QueuedThreadPool(256, 8);
                    pool.setName("jetty-ws-client");
                    pool.setDaemon(true);
                    HttpClient http = new HttpClient();
                    http.setExecutor(pool);
                    http.setScheduler(new ScheduledExecutorScheduler("jetty-ws-client-scheduler", true));
                    http.setMaxConnectionsPerDestination(4096);
                    http.start();
                    WebSocketClient client = new WebSocketClient(http);
                    client.setMaxTextMessageSize(4 << 20);
                    client.setMaxBinaryMessageSize(4 << 20);
                    client.setIdleTimeout(Duration.ofMinutes(5));
                    client.start();
                    shared = client;
                } catch (Exception e) {
                    throw new AssertionError("could not start the Jetty WebSocket client", e);
                }
            }
            return shared;
        }

        Jetty(URI uri, Consumer<String> textHandler) {
            super("jetty client " + uri, textHandler);
            JettyEndpoint listener = new JettyEndpoint(this::deliverText, this::deliverBinary, this::deliverClose);
            try {
                session = shared().connect(listener, uri).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("jetty client could not open " + uri, e);
            }
        }

        @Override void sendText(String text) {
            await(Callback.Completable.with(c -> session.sendText(text, c)), "send text");
        }

        @Override void sendBinary(byte[] data) {
            await(Callback.Completable.with(c -> session.sendBinary(ByteBuffer.wrap(data), c)), "send binary");
        }

        @Override void close(int code, String reason) {
            session.close(code, reason, Callback.NOOP);
        }

        @Override public void close() {
            if (session.isOpen()) {
                session.close(1000, "bye", Callback.NOOP);
            }
        }

        private void await(CompletableFuture<Void> sent, String what) {
            try {
                sent.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(label + ": " + what + " failed", e);
            }
        }
    }
}
