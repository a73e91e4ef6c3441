package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chatlab.bench.ServerJvmFlags;
import chatlab.bench.load.HandshakeAttempt;
import chatlab.bench.load.HandshakeAttempt.Outcome;
import chatlab.bench.server.PidsLimit;
import chatlab.bench.server.SpawnedServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel's thread limit, on real server processes in a cgroup v1 {@code pids} group with a
 * small {@code pids.max}, and real clients. {@code threaded-platform} needs a thread per
 * connection and one more per connection with bytes to send: past the limit it answers new
 * connections 503 at once, lets a connection whose writer cannot start wait for a thread ahead of
 * newcomers, counts and logs it once, loses nothing, and survives the JVM's own threads failing to
 * start. {@code threaded-virtual} and {@code evented} need no thread per connection, and keep
 * accepting under the same limit. Skipped where no pids group can be made (not root, cgroup v2 only).
 */
class ThreadLimitTest {

    /** Threads the limit leaves the server beyond those it runs when it is applied. */
    private static final int HEADROOM = 4;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path logs;

    @BeforeAll
    static void needsAPidsGroup() {
        String reason = PidsLimit.unavailableReason();
        assumeTrue(reason == null, () -> "skipped: " + reason);
    }

    @Test
    @Timeout(180)
    void threadedPlatformRefusesWhatItHasNoThreadForAndKeepsServingTheRest() throws Exception {
        try (SpawnedServer server = start("threaded-platform");
             Member alice = Member.join(server, "alice");
             Member bob = Member.join(server, "bob");
             Member carol = Member.join(server, "carol");
             PidsLimit limit = PidsLimit.create("chatlab-test")) {
            alice.expectPresence(); // bob
            alice.expectPresence(); // carol
            bob.expectPresence(); // carol
            awaitOnlyReaders(server, 3);
            limit.add(server.pid());
            limit.setMax(limit.current() + HEADROOM);

            // A storm of new connections: each gets a definite answer, the ones past the limit a 503.
            Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
            List<HandshakeAttempt> held = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 40; i++) {
                HandshakeAttempt attempt = HandshakeAttempt.open(server.address(), "/ws", Duration.ofSeconds(10));
                outcomes.merge(attempt.outcome(), 1, Integer::sum);
                if (attempt.outcome() == Outcome.ACCEPTED) held.add(attempt);
                if (attempt.outcome() == Outcome.REFUSED) {
                    refused++;
                    assertEquals(503, attempt.status(), attempt.head());
                    assertTrue(attempt.head().contains("Retry-After: 1"), attempt.head());
                }
            }
            assertEquals(null, outcomes.get(Outcome.NO_ANSWER), "no client is left without an answer: " + outcomes);
            assertTrue(refused > 0, "40 connections do not fit in " + HEADROOM + " more threads: " + outcomes);
            assertNull(server.deathNote());

            // The members' writers have ended (a quiet second): every thread the limit allows is taken.
            awaitOnlyReaders(server, 3 + held.size());
            limit.setMax(limit.current());
            // The JVM's own threads cannot start either: jcmd's full GC runs without the GC workers it lacks.
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(server.pid()), "GC.run").redirectErrorStream(true).start();
            assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS), "jcmd GC.run finished");
            assertEquals(0, jcmd.exitValue(), new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertNull(server.deathNote(), "the server survives a full GC and an attach at its thread limit");

            long refusalsBefore = limit.refusals();
            alice.say("while-waiting");
            // The fan-out needs three writers (alice's own copy, bob's, carol's); at least one cannot
            // start (a JVM thread that ends may leave room for another) and waits for a thread.
            await("a member's writer to fail to start", () -> refusals(limit) > refusalsBefore);
            HandshakeAttempt meanwhile = HandshakeAttempt.open(server.address(), "/ws", Duration.ofSeconds(10));
            assertEquals(503, meanwhile.status(), "a newcomer is refused while held connections wait: " + meanwhile.head());
            refused++;

            // Threads come back (here: the limit is raised); the waiting writers start, nothing is lost.
            limit.setMax(limit.current() + 32);
            for (Member member : List.of(alice, bob, carol)) member.expectMessage("while-waiting");
            bob.say("after");
            for (Member member : List.of(alice, bob, carol)) member.expectMessage("after");
            held.forEach(HandshakeAttempt::close);

            JsonNode stats = server.stats();
            long rejects = stats.path("httpRejects").asLong();
            assertTrue(rejects >= refused, "each 503 is a rejected request: " + stats);
            assertTrue(stats.path("threadStartFailures").asLong() > rejects,
                    "counted in /stats: every 503, and the writer that waited: " + stats);
            assertEquals(0, stats.path("ioErrors").asLong(), "no connection failed on I/O: " + stats);
            List<String> logLines = Files.readAllLines(server.log());
            assertEquals(1, logLines.stream().filter(l -> l.contains("cannot start a thread")).count(),
                    "logged once: " + logLines);
            assertEquals(0, logLines.stream().filter(l -> l.contains("[warning][os,thread]")).count(),
                    "not a JVM warning per thread: " + logLines);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threaded-virtual", "evented"})
    @Timeout(180)
    void theModelsWithoutAThreadPerConnectionKeepAccepting(String model) throws Exception {
        try (SpawnedServer server = start(model);
             Member alice = Member.join(server, "alice");
             PidsLimit limit = PidsLimit.create("chatlab-test")) {
            alice.say("warm-up"); // the virtual threads' carriers and pollers start here, before the limit
            alice.expectMessage("warm-up");
            limit.add(server.pid());
            limit.setMax(limit.current() + HEADROOM);

            List<HandshakeAttempt> held = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    HandshakeAttempt attempt = HandshakeAttempt.open(server.address(), "/ws", Duration.ofSeconds(10));
                    held.add(attempt);
                    assertEquals(Outcome.ACCEPTED, attempt.outcome(), "connection " + i + ": " + attempt.head());
                }
                try (Member bob = Member.join(server, "bob")) {
                    alice.expectPresence();
                    bob.say("under-the-limit");
                    bob.expectMessage("under-the-limit");
                    alice.expectMessage("under-the-limit");
                }
            } finally {
                held.forEach(HandshakeAttempt::close);
            }
            assertEquals(0, server.stats().path("threadStartFailures").asLong());
            assertNull(server.deathNote());
        }
    }

    private SpawnedServer start(String model) throws IOException {
        Path home = Path.of("..").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ServerJvmFlags.read(home));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChatlabCommand.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--model"));
        return new SpawnedServer(model, command, logs.resolve(model + ".log"), Duration.ofSeconds(60));
    }

    /** Waits until the server runs only the readers of its {@code connections} (every writer has ended). */
    private static void awaitOnlyReaders(SpawnedServer server, int connections) throws Exception {
        await(connections + " connection threads (readers only) in " + server.model(),
                () -> connectionThreads(server.pid()) == connections);
    }

    /** Threads of the threaded model's factory, by their kernel name ({@code chatlab-platform-N}, cut to 15 bytes). */
    private static long connectionThreads(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).startsWith("chatlab-platfor");
                } catch (IOException e) {
                    return false; // ended while we looked
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long refusals(PidsLimit limit) {
        try {
            return limit.refusals();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Polls {@code condition} every 20 ms, failing after {@link #WAIT}: there is no event to wait on in another process. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** A chat member in room "limit" through Java-WebSocket's client, whose threads live in this JVM. */
    private static final class Member implements AutoCloseable {
        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final String name;
        private final WebSocketClient client;

        private Member(URI uri, String name) {
            this.name = name;
            this.client = new WebSocketClient(uri) {
                @Override public void onOpen(ServerHandshake handshake) { }

                @Override
                public void onMessage(String message) {
                    try {
                        received.add(JSON.readTree(message));
                    } catch (IOException e) {
                        received.add(JSON.createObjectNode().put("type", "unparsable").put("text", message));
                    }
                }

                @Override
                public void onClose(int code, String reason, boolean remote) {
                    received.add(JSON.createObjectNode().put("type", "closed").put("code", code).put("reason", reason));
                }

                @Override public void onError(Exception e) { }
            };
        }

        static Member join(SpawnedServer server, String name) throws Exception {
            Member member = new Member(URI.create("ws://127.0.0.1:" + server.address().getPort() + "/ws"), name);
            assertTrue(member.client.connectBlocking(20, TimeUnit.SECONDS), name + " connects");
            member.client.send("{\"type\":\"join\",\"room\":\"limit\",\"name\":\"" + name + "\"}");
            member.expect("joined");
            return member;
        }

        void say(String text) {
            client.send("{\"type\":\"say\",\"room\":\"limit\",\"text\":\"" + text + "\",\"id\":\"" + name + "-" + text + "\"}");
        }

        void expectPresence() throws InterruptedException {
            expect("presence");
        }

        void expectMessage(String text) throws InterruptedException {
            JsonNode message = expect("message");
            assertEquals(text, message.path("text").asText(), name + " received " + message);
        }

        private JsonNode expect(String type) throws InterruptedException {
            JsonNode next = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(next != null, name + " waited " + WAIT.toSeconds() + " s for " + type);
            assertEquals(type, next.path("type").asText(), name + " received " + next);
            return next;
        }

        @Override
        public void close() throws InterruptedException {
            client.closeBlocking();
        }
    }
}
