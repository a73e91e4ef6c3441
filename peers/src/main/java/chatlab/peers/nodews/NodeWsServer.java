package chatlab.peers.nodews;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code node-ws} reference peer: chatlab's protocol served by Node.js and the {@code ws}
 * package ({@code peers/node-ws/server.js}), run as a child process behind {@link ChatServer}.
 * {@link #start} launches {@code node server.js} with this config's limits and returns the
 * address from the child's announce line; {@link #stats} reads the child's {@code /stats} over
 * HTTP; {@link #close} sends SIGTERM, on which the child closes its WebSockets with 1001 and exits.
 *
 * <p><b>Threads.</b> The server is Node's one event loop, in its own process: every connection's
 * frames, every room's fan-out and {@code /stats} run on that loop, one callback at a time, so
 * the child's state needs no locks. In this JVM the peer costs one daemon thread that drains the
 * child's standard output (standard error is inherited) and the {@link HttpClient} used by
 * {@link #stats}. The child's stdin is a pipe held by this JVM: when the JVM dies without calling
 * {@link #close}, the child sees end-of-file and shuts down instead of lingering.
 *
 * <p><b>Slow and hostile clients</b> are handled inside Node (see server.js): {@code ws} closes
 * with 1002/1007 on framing and UTF-8 errors and 1009 past {@code maxMessageBytes}; a client
 * whose {@code bufferedAmount} (bytes Node holds for it, not the kernel's) passes
 * {@code outboundBoundBytes} is closed with 1008, leaves its rooms at once and is destroyed if
 * the closing handshake has not finished within 3 s; a silent client is pinged after
 * {@code idleInterval} and closed with 1001 after another; a request head over 8 KiB is 431 and
 * one not finished within {@code headTimeout} is dropped. Bad chat input gets an {@code error}.
 * The lab messages are not served ({@code unknown_type} even with {@code lab}); the
 * {@link ServerConfig.Faults} are passed on.
 */
public final class NodeWsServer implements ChatServer {

    public static final String MODEL = "node-ws";

    private static final Pattern ANNOUNCE = Pattern.compile("chatlab listening on (.+):(\\d+) model=node-ws");
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(-?\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    /** {@code npm ci} runs at most once at a time per JVM, whatever the number of servers. */
    private static final ReentrantLock INSTALL_LOCK = new ReentrantLock();

    private final ServerConfig config;
    /** Serializes start and close; {@link #process} and {@link #http} are written only under it. */
    private final ReentrantLock lock = new ReentrantLock();
    private Process process;
    private HttpClient http;
    private volatile boolean closed;
    private volatile URI statsUri;

    public NodeWsServer(ServerConfig config) {
        if (config.broker() != null) {
            throw new IllegalArgumentException(MODEL + " runs in Node.js, without chatlab's rooms: it cannot share them through a broker");
        }
        this.config = config;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("node-ws server already closed");
            if (process != null) throw new IllegalStateException("node-ws server already started");
            Path dir = locateNodeWsDir();
            ensureInstalled(dir);
            Process child = new ProcessBuilder(command(host, port))
                    .directory(dir.toFile())
                    .start();
            process = child;
            InetSocketAddress bound;
            try {
                bound = awaitAnnounce(child);
            } catch (IOException | RuntimeException e) {
                stop(child);
                process = null;
                throw e;
            }
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(STATS_TIMEOUT)
                    .build();
            statsUri = URI.create("http://" + hostForUri(bound) + ":" + bound.getPort() + "/stats");
            return bound;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StatsSnapshot stats() {
        URI uri = statsUri;
        HttpClient client = http;
        if (closed) throw new IllegalStateException("node-ws server closed");
        if (uri == null || client == null) throw new IllegalStateException("node-ws server not started");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(STATS_TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted during GET " + uri));
        }
        if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("GET " + uri + " answered " + response.statusCode()));
        }
        return parseStats(response.body());
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            if (process != null) stop(process);
            if (http != null) http.close();
        } finally {
            lock.unlock();
        }
    }

    private List<String> command(String host, int port) {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("chatlab.node", "node"), "--expose-gc", "server.js",
                "--port", Integer.toString(port),
                "--host", host,
                "--max-message-bytes", Integer.toString(config.maxMessageBytes()),
                "--outbound-bound-bytes", Integer.toString(config.outboundBoundBytes()),
                "--idle-interval-ms", Long.toString(config.idleInterval().toMillis()),
                "--head-timeout-ms", Long.toString(config.headTimeout().toMillis()),
                "--exit-on-stdin-eof"));
        ServerConfig.Faults faults = config.faults();
        if (faults.delayMillis() > 0) command.addAll(List.of("--fault-delay-ms", Integer.toString(faults.delayMillis())));
        if (faults.dropEveryNth() > 0) command.addAll(List.of("--fault-drop-every", Integer.toString(faults.dropEveryNth())));
        return command;
    }

    /**
     * Waits for the child's one announce line, then leaves daemon threads draining (and passing on
     * to stderr) whatever else it prints, so that the child never blocks on a full pipe. What the
     * child says on stderr before it announces is held back: if it exits instead of announcing (a
     * port in use), those lines go into the exception's message, so the caller can say in one line
     * what went wrong; if it announces, they are passed on then.
     */
    private static InetSocketAddress awaitAnnounce(Process child) throws IOException {
        CompletableFuture<InetSocketAddress> announced = new CompletableFuture<>();
        StartupErrors errors = new StartupErrors();
        Thread.ofPlatform().daemon().name("node-ws-stderr-" + child.pid()).start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) errors.line(line);
            } catch (IOException e) {
                // The child is gone; its exit is reported by the stdout side.
            }
        });
        Thread drain = Thread.ofPlatform().daemon().name("node-ws-stdout-" + child.pid()).unstarted(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = ANNOUNCE.matcher(line.trim());
                    if (!announced.isDone() && m.matches()) {
                        String host = m.group(1);
                        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                        announced.complete(new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(m.group(2))));
                        errors.passOn();
                    } else {
                        System.err.println("node-ws: " + line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                announced.completeExceptionally(e);
            }
            announced.completeExceptionally(new IOException("node-ws exited before announcing its address"));
        });
        drain.start();
        try {
            return announced.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            String exit = "";
            try {
                if (child.waitFor(2, TimeUnit.SECONDS)) exit = " (exit code " + child.exitValue() + ")";
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("node-ws did not start" + exit + ": " + e.getCause().getMessage() + errors.heldBack(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("node-ws did not announce its address within " + START_TIMEOUT.toSeconds() + " s" + errors.heldBack(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while node-ws was starting");
        }
    }

    /** The child's stderr: held back until it announces (then passed on), kept for the error message if it never does. */
    private static final class StartupErrors {
        private final List<String> held = new ArrayList<>();
        private boolean passingOn;

        synchronized void line(String line) {
            if (passingOn) {
                System.err.println(line);
            } else if (held.size() < 20) {
                held.add(line);
                notifyAll();
            }
        }

        synchronized void passOn() {
            passingOn = true;
            held.forEach(System.err::println);
            held.clear();
        }

        /** What the child said before exiting, waited for briefly (its stderr may close just after its stdout). */
        String heldBack() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            synchronized (this) {
                while (held.isEmpty() && System.nanoTime() < deadline) {
                    try {
                        wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return held.isEmpty() ? "" : "; it said: " + String.join(" | ", held);
            }
        }
    }

    /** SIGTERM, then SIGKILL if the child has not exited within {@link #STOP_TIMEOUT}. */
    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String hostForUri(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        if (address.isAnyLocalAddress()) return "127.0.0.1";
        String literal = address.getHostAddress();
        return literal.contains(":") ? "[" + literal + "]" : literal;
    }

    /**
     * Maps the child's flat {@code /stats} object onto {@link StatsSnapshot}: a missing counter is
     * 0, a missing figure of chatlab's additions (CPU, switches, GC pauses, live heap) is -1.
     */
    static StatsSnapshot parseStats(String json) {
        Map<String, Long> n = new HashMap<>();
        Matcher m = NUMBER_FIELD.matcher(json);
        while (m.find()) n.put(m.group(1), Long.parseLong(m.group(2)));
        return new StatsSnapshot(MODEL,
                field(n, "connections"), (int) field(n, "threads"), field(n, "heapUsedBytes"), field(n, "rssBytes"),
                field(n, "messagesIn"), field(n, "messagesOut"), field(n, "bytesIn"), field(n, "bytesOut"),
                field(n, "uptimeMillis"), field(n, "connectionsTotal"), field(n, "httpRequests"),
                field(n, "httpRejects"), field(n, "headTimeouts"), field(n, "protocolCloses"),
                field(n, "slowConsumerCloses"), field(n, "idleCloses"), field(n, "appErrors"), field(n, "ioErrors"),
                field(n, "httpConnections"), field(n, "httpSessions"), field(n, "httpSessionsExpired"),
                field(n, "pollsHeld"), field(n, "sseStreams"), field(n, "connectionThreads"), field(n, "threadStartFailures"),
                n.getOrDefault("cpuMillis", -1L), n.getOrDefault("ctxVoluntary", -1L), n.getOrDefault("ctxInvoluntary", -1L),
                n.getOrDefault("gcPauseMillis", -1L), n.getOrDefault("heapLiveBytes", -1L), null, false, null);
    }

    private static long field(Map<String, Long> fields, String name) {
        return fields.getOrDefault(name, 0L);
    }

    /**
     * {@code peers/node-ws} under the system property {@code chatlab.home} (the repository root)
     * when it is set, else under the nearest directory, from the current one upwards, that has it.
     */
    static Path locateNodeWsDir() throws IOException {
        Path relative = Path.of("peers", "node-ws");
        String home = System.getProperty("chatlab.home");
        if (home != null && !home.isBlank()) {
            Path dir = Path.of(home).toAbsolutePath().resolve(relative);
            if (Files.isRegularFile(dir.resolve("server.js"))) return dir;
            throw new IOException("chatlab.home=" + home + " has no peers/node-ws/server.js");
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path dir = p.resolve(relative);
            if (Files.isRegularFile(dir.resolve("server.js"))) return dir;
        }
        throw new IOException("no peers/node-ws/server.js in " + start + " or above; set -Dchatlab.home=<repository root>");
    }

    /** Runs {@code npm ci} in {@code dir} when its {@code node_modules} is missing (once per JVM at a time). */
    private static void ensureInstalled(Path dir) throws IOException {
        INSTALL_LOCK.lock();
        try {
            if (Files.isRegularFile(dir.resolve("node_modules/ws/package.json"))) return;
            Path log = Files.createTempFile("chatlab-npm-ci", ".log");
            try {
                Process npm = new ProcessBuilder(System.getProperty("chatlab.npm", "npm"), "ci", "--no-audit", "--no-fund")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                npm.getOutputStream().close();
                boolean done = npm.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) npm.destroyForcibly();
                if (!done || npm.exitValue() != 0) {
                    throw new IOException("npm ci in " + dir + (done ? " failed with exit code " + npm.exitValue() : " timed out")
                            + ":\n" + Files.readString(log));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during npm ci in " + dir);
            } finally {
                Files.deleteIfExists(log);
            }
        } finally {
            INSTALL_LOCK.unlock();
        }
    }
}
