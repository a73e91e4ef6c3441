package chatlab.peers.jetty;

import chatlab.peers.PeerHttp;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The {@code jetty} reference peer: Jetty 12's own HTTP server with its Jetty WebSocket API
 * ({@link WebSocketUpgradeHandler} mapping {@code /ws} and {@code /echo} to a
 * {@link Session.Listener} per connection, {@link JettyEndpoint}), set up as Jetty's documentation
 * shows it. Requests that are not upgraded fall through to a plain handler for {@code /stats},
 * {@code /}, 404 and 405.
 *
 * <p><b>Threads.</b> Jetty's default {@link QueuedThreadPool} (8 to 200 threads) runs everything.
 * The connector's acceptor accepts; its selector threads (half the cores, one to four) watch the
 * sockets and hand a readable connection to a pool thread, which parses HTTP, upgrades, parses
 * frames and calls the endpoint, one message at a time per connection (auto-demand: the next read
 * is demanded when the listener method returns). A chat message's fan-out runs on that pool
 * thread: {@code sendText} is asynchronous, Jetty's frame flusher writes what the socket takes at
 * once and queues the rest, and a selector thread resumes the write when the socket drains.
 * Idle timeouts and the slow-consumer give-up run on Jetty's scheduler thread.
 *
 * <p><b>Slow and hostile clients.</b> Jetty itself closes with 1002 for framing errors, 1007 for
 * invalid UTF-8, and 1009 past {@code maxMessageBytes} (frame and message limits). Jetty has no
 * buffered-amount figure, so each connection counts the bytes of its sends whose callback has not
 * completed yet: past the outbound bound the connection is closed with 1008, which makes Jetty
 * fail every queued frame (an abnormal close drops the queue) and send the close frame once the
 * frame being written is out; a client that never reads is disconnected a few seconds later. A
 * silent connection is pinged when Jetty's idle timeout expires and closed with 1001 when it
 * expires again. A request head is limited to 8 KiB (431) and to the head timeout, which is the
 * connector's idle timeout. Bad chat input gets an {@code error} message; nothing of this touches
 * another connection.
 *
 * <p><b>Deviations from PROTOCOL.md.</b> Jetty's idle timer counts its own writes as activity,
 * so a client that only listens to a busy room is never pinged. Invalid UTF-8 in a continuation
 * frame is found (1007) only when the message is complete, not as the bytes arrive. The head timeout is an idle
 * timeout (a client trickling one byte at a time keeps its connection) and is not counted in
 * {@code headTimeouts}, since Jetty reports it to no one. Jetty accepts any non-empty
 * {@code Sec-WebSocket-Key}, and answers the handshakes and requests it refuses itself (no key, no
 * {@code Host}, an unparseable head) with its own wording, as plain text through
 * {@link PlainErrors}; what it passes on (no upgrade, a wrong version, HTTP/1.0) gets
 * {@link PeerHttp}'s answer.
 */
public final class JettyChatServer implements ChatServer {

    public static final String MODEL = "jetty";

    private final ServerContext context;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Server server;
    private ServerWebSocketContainer container;

    public JettyChatServer(ServerConfig config) {
        this.context = ServerContext.create(MODEL, config);
        this.config = config;
        this.counters = context.counters();
    }

    @Override
    public String model() { return MODEL; }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty-peer");
        server = new Server(threads);
        server.setErrorHandler(new PlainErrors());

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(RequestHeadParser.MAX_HEAD_BYTES);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        // Until the upgrade, the connector's idle timeout is the head timeout; a WebSocket then
        // gets the container's idle timeout instead.
        connector.setIdleTimeout(config.headTimeout().toMillis());
        server.addConnector(connector);

        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, ws -> {
            ws.setMaxTextMessageSize(config.maxMessageBytes());
            ws.setMaxBinaryMessageSize(config.maxMessageBytes());
            ws.setMaxFrameSize(config.maxMessageBytes());
            ws.setIdleTimeout(config.idleInterval());
            ws.addMapping(PeerHttp.CHAT_PATH, (request, response, callback) -> upgraded(PeerHttp.Endpoint.CHAT));
            ws.addMapping(PeerHttp.ECHO_PATH, (request, response, callback) -> upgraded(PeerHttp.Endpoint.ECHO));
        });
        upgrades.setHandler(new PlainHttp());
        server.setHandler(new CountRequests(upgrades));
        container = upgrades.getServerWebSocketContainer();

        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("jetty did not start", e);
        }
        return new InetSocketAddress(host, connector.getLocalPort());
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (container != null) {
            for (Session session : container.getOpenSessions()) {
                session.close(StatusCode.SHUTDOWN, "server stopping", org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }
        try {
            if (server != null) server.stop();
        } catch (Exception e) {
            counters.ioError();
        }
        context.close(); // after the connections: their members have left the rooms
    }

    private JettyEndpoint upgraded(PeerHttp.Endpoint endpoint) {
        return new JettyEndpoint(endpoint, context, server.getThreadPool(), server.getScheduler());
    }

    /** Counts every request that reaches the handlers (Jetty answers a few itself: 431, 400, 426). */
    private final class CountRequests extends Handler.Wrapper {

        CountRequests(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            counters.httpRequest();
            return super.handle(request, response, callback);
        }
    }

    /**
     * Jetty's own error answers (a request its parser refuses, a handshake its upgrade handler
     * refuses), as plain text instead of an HTML page, and counted.
     */
    private final class PlainErrors extends ErrorHandler {

        PlainErrors() {
            setShowStacks(false);
            setDefaultResponseMimeType("text/plain");
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            countReject(response.getStatus());
            return super.handle(request, response, callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            countReject(status);
            return super.badMessageError(status, reason, fields);
        }

        private void countReject(int status) {
            if (status >= 400 && status < 500) counters.httpReject();
        }
    }

    /** Whatever the upgrade handler passed on: {@code /stats}, {@code /}, refused handshakes, 404, 405. */
    private final class PlainHttp extends Handler.Abstract.NonBlocking {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            PeerHttp.Answer answer = PeerHttp.answer(head(request), context);
            if (answer.isReject()) counters.httpReject();
            response.setStatus(answer.status());
            if (answer.status() != 304) response.getHeaders().put("Content-Type", answer.contentType());
            answer.headers().forEach(response.getHeaders()::put);
            response.write(true, ByteBuffer.wrap(answer.body()), callback);
            return true;
        }

        private static RequestHead head(Request request) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>(1)).add(field.getValue());
            }
            return new RequestHead(request.getMethod(), request.getHttpURI().getPathQuery(),
                    request.getConnectionMetaData().getHttpVersion().asString(), headers);
        }
    }
}
