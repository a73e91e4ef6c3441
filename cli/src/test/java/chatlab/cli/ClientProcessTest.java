package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code chatlab client} as a user runs it: a real process whose standard input is typed into and
 * whose output is read, chatting with a Java-WebSocket client through a real server, across a
 * server restart on the same port: what was typed before, during and after the outage reaches the
 * other side once, and the end of input leaves the room and exits 0.
 */
class ClientProcessTest {

    private static final ChatJson JSON = new ChatJson(ServerConfig.JsonRecycler.SHARED);

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOM = "terminal";

    @ParameterizedTest
    @ValueSource(strings = {"threaded-platform", "threaded-virtual", "evented"})
    @Timeout(180)
    void chatsWithAnotherClientAndResumesAfterARestart(String model) throws Exception {
        ChatServer server = ChatServers.create(model, ServerConfig.defaults());
        int port = server.start("127.0.0.1", 0).getPort();
        URI ws = URI.create("ws://127.0.0.1:" + port + "/ws");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process client = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ChatlabCommand.class.getName(),
                "client", ws.toString(), "--room", ROOM, "--name", "term").redirectErrorStream(true).start();
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        List<String> everything = new CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                    everything.add(line);
                }
            } catch (java.io.IOException e) {
                output.add("(output ended: " + e + ")");
            }
        });
        Peer peer = null;
        try (Writer typed = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8)) {
            awaitLine(output, line -> line.startsWith("* live:"), "the client going live", everything);
            peer = new Peer(ws);
            peer.expect(m -> m.path("type").asText().equals("joined"), "joined");
            awaitLine(output, line -> line.equals("* peer joined (2 here)"), "the peer's arrival", everything);

            type(typed, "hello from the terminal");
            peer.expect(m -> isMessage(m, "term", "hello from the terminal"), "the terminal's message");
            peer.say("hello terminal");
            awaitLine(output, line -> line.matches("\\d\\d:\\d\\d:\\d\\d peer: hello terminal"), "the peer's message", everything);

            // The server goes, and loses its rooms.
            server.close();
            peer.close();
            awaitLine(output, line -> line.startsWith("! connection lost:"), "the loss being reported", everything);
            type(typed, "typed during the outage");
            awaitLine(output, line -> line.startsWith("! cannot connect:"), "a failed reconnect", everything);
            server = ChatServers.create(model, ServerConfig.defaults());
            server.start("127.0.0.1", port);
            peer = new Peer(ws);
            awaitLine(output, line -> line.startsWith("* live:"), "the client live again", everything);
            peer.expect(m -> isMessage(m, "term", "typed during the outage"), "the message typed during the outage");
            type(typed, "after the restart");
            peer.expect(m -> isMessage(m, "term", "after the restart"), "the message typed after the restart");
            awaitLine(output, line -> line.endsWith("term (you): after the restart"), "the echo of the last message", everything);

            for (String text : List.of("hello from the terminal", "typed during the outage", "after the restart")) {
                long shown = everything.stream().filter(line -> line.endsWith("term (you): " + text)).count();
                assertEquals(1, shown, "'" + text + "' shown once by the client:\n" + String.join("\n", everything));
            }
            assertEquals(1, peer.count(m -> isMessage(m, "term", "typed during the outage")), "the peer got it once");
        } // end of input: the client leaves and exits
        try {
            assertTrue(client.waitFor(20, TimeUnit.SECONDS), "the client did not exit at the end of its input");
            assertEquals(0, client.exitValue(), "exit code; output:\n" + String.join("\n", everything));
            peer.expect(m -> m.path("type").asText().equals("presence") && m.path("event").asText().equals("leave")
                    && m.path("name").asText().equals("term"), "the terminal leaving");
        } finally {
            client.destroyForcibly();
            peer.close();
            server.close();
        }
    }

    private static boolean isMessage(JsonNode m, String from, String text) {
        return m.path("type").asText().equals("message") && m.path("from").asText().equals(from) && m.path("text").asText().equals(text);
    }

    private static void type(Writer typed, String line) throws java.io.IOException {
        typed.write(line + "\n");
        typed.flush();
    }

    private static void awaitLine(BlockingQueue<String> output, Predicate<String> wanted, String what, List<String> everything)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String line = output.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) fail("no output line for " + what + " within " + WAIT.toSeconds() + " s; output:\n" + String.join("\n", everything));
            if (wanted.test(line)) return;
        }
    }

    /** Another member of the room: a Java-WebSocket client, joined as "peer". */
    private static final class Peer {
        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final List<JsonNode> all = new CopyOnWriteArrayList<>();
        private final WebSocketClient ws;

        Peer(URI uri) throws InterruptedException {
            ws = new WebSocketClient(uri) {
                @Override public void onOpen(ServerHandshake handshake) {}
                @Override public void onMessage(String message) {
                    try {
                        JsonNode json = JSON.parse(message);
                        received.add(json);
                        all.add(json);
                    } catch (Exception e) {
                        fail("not JSON: " + message);
                    }
                }
                @Override public void onClose(int code, String reason, boolean remote) {}
                @Override public void onError(Exception e) {}
            };
            ws.setConnectionLostTimeout(0);
            assertTrue(ws.connectBlocking(10, TimeUnit.SECONDS), "peer could not connect to " + uri);
            ws.send("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"name\":\"peer\"}");
        }

        void say(String text) {
            ws.send("{\"type\":\"say\",\"room\":\"" + ROOM + "\",\"text\":\"" + text + "\",\"id\":\"peer-" + System.nanoTime() + "\"}");
        }

        JsonNode expect(Predicate<JsonNode> wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                JsonNode next = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(next, "the peer did not receive " + what + " within " + WAIT.toSeconds() + " s; it got " + all);
                if (wanted.test(next)) return next;
            }
        }

        long count(Predicate<JsonNode> wanted) {
            return all.stream().filter(wanted).count();
        }

        void close() {
            ws.close();
        }
    }
}
