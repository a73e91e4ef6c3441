package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import chatlab.protocol.UnderTest;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * One in-process server of one model, started on a free loopback port for one test.
 *
 * <p>A model whose provider is not on the test class path fails the test with a message that
 * says so: a missing server must show up red, never as a silently skipped test.
 */
final class TestServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    /** The JDK's client, HTTP/1.1 (persistent connections, as a browser's), shared by the whole run. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    final String model;
    final ChatServer server;
    final InetSocketAddress address;

    private TestServer(String model, ChatServer server, InetSocketAddress address) {
        this.model = model;
        this.server = server;
        this.address = address;
    }

    static TestServer start(String model) {
        return start(model, ServerConfig.defaults());
    }

    /**
     * Loops for every {@code evented} server started with one (the default): 0 leaves the config as
     * it is. Set by {@code -Dchatlab.evented.loops=N} for a whole run (the suite over several loops)
     * or by a test class for its own tests ({@link EventedLoopsTest}).
     */
    private static volatile int eventedLoops = Integer.getInteger("chatlab.evented.loops", 0);

    /** See {@link #eventedLoops}; 0: the config as it is. */
    static void eventedLoops(int loops) {
        eventedLoops = loops;
    }

    /** What {@code -Dchatlab.evented.loops} says (0 when unset), for a test class to go back to. */
    static int configuredEventedLoops() {
        return Integer.getInteger("chatlab.evented.loops", 0);
    }

    /**
     * Starts {@code model} with {@code config}, plus the pieces {@link UnderTest} names (a
     * student's handshake or codec, in the exercise track).
     */
    static TestServer start(String model, ServerConfig config) {
        if (model.equals("evented") && eventedLoops > 0 && config.loops() == 1) config = config.withLoops(eventedLoops);
        config = UnderTest.plugInto(config);
        Optional<ChatServerProvider> underTest = UnderTest.server().filter(p -> p.models().contains(model));
        List<String> known;
        try {
            known = ChatServers.models();
        } catch (java.util.ServiceConfigurationError e) {
            throw new AssertionError("the ChatServerProvider registrations on the class path are broken", e);
        }
        if (underTest.isEmpty() && !known.contains(model)) {
            fail("model '" + model + "' is not on the test class path: no ChatServerProvider in "
                    + "META-INF/services/chatlab.protocol.server.ChatServerProvider names it (models found: "
                    + known + ")");
        }
        ChatServer server;
        try {
            server = underTest.isPresent() ? underTest.get().create(model, config) : ChatServers.create(model, config);
        } catch (RuntimeException e) {
            throw new AssertionError("model '" + model + "' could not be created: " + e, e);
        }
        InetSocketAddress bound;
        try {
            bound = server.start(HOST, 0);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new AssertionError("model '" + model + "' did not start: " + e, e);
        }
        if (bound == null) {
            server.close();
            fail("model '" + model + "': start() returned null instead of the address it bound");
        }
        assertEquals(model, server.model(), "ChatServer.model()");
        return new TestServer(model, server, new InetSocketAddress(HOST, bound.getPort()));
    }

    boolean isCore() {
        return Models.isCore(model);
    }

    int port() {
        return address.getPort();
    }

    URI ws(String path) {
        return URI.create("ws://" + HOST + ":" + port() + path);
    }

    URI http(String path) {
        return URI.create("http://" + HOST + ":" + port() + path);
    }

    StatsSnapshot stats() {
        return server.stats();
    }

    /** {@code GET path} over a real HTTP client (used for {@code /stats} and plain HTTP replies). */
    HttpResponse<String> httpGet(String path) {
        return httpSend(HttpRequest.newBuilder(http(path)).GET());
    }

    HttpResponse<String> httpSend(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("HTTP request to " + model + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The body of {@code GET /stats}, parsed. */
    JsonNode statsJson() {
        HttpResponse<String> response = httpGet("/stats");
        assertEquals(200, response.statusCode(), "GET /stats status, body: " + response.body());
        return Json.parse(response.body());
    }

    /**
     * Waits until a counter of {@link #stats()} reaches {@code atLeast}.
     *
     * <p>A counter has no event to wait on, so this polls it against a deadline. Tests call it only
     * after waiting on the event that the server counts (a close frame, an EOF), so it normally
     * returns on the first look; the polling only covers the server bumping the counter just
     * after it wrote the bytes the test saw.
     */
    long awaitCounter(String name, ToLongFunction<StatsSnapshot> counter, long atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = counter.applyAsLong(stats());
        while (value < atLeast) {
            if (System.nanoTime() > deadline) {
                fail(model + ": stats " + name + " = " + value + ", expected at least " + atLeast
                        + " within " + timeout.toMillis() + " ms; stats: " + stats().toJson());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            value = counter.applyAsLong(stats());
        }
        return value;
    }

    /** Like {@link #awaitCounter} but for a value that must come down to {@code atMost}. */
    long awaitCounterAtMost(String name, ToLongFunction<StatsSnapshot> counter, long atMost, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = counter.applyAsLong(stats());
        while (value > atMost) {
            if (System.nanoTime() > deadline) {
                fail(model + ": stats " + name + " = " + value + ", expected at most " + atMost
                        + " within " + timeout.toMillis() + " ms; stats: " + stats().toJson());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            value = counter.applyAsLong(stats());
        }
        return value;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return model + "@" + HOST + ":" + port();
    }
}
