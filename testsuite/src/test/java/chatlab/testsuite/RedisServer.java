package chatlab.testsuite;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server}, started by a test on a free loopback port with its own directory,
 * and the faults the cluster tests inflict on it: stop (with or without its data), restart on the
 * same port, pause ({@code SIGSTOP}) and resume.
 *
 * <p>Where {@code redis-server} is not installed the cluster tests are skipped, saying so
 * ({@link #MISSING}); {@code ./chatlab test} installs it when run as root.
 */
final class RedisServer implements AutoCloseable {

    static final String MISSING = "redis-server is not on the PATH: the cluster tests are SKIPPED "
            + "(install it: sudo apt-get install redis-server; ./chatlab test does so when run as root)";

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Skips the calling test class, saying why, where {@code redis-server} is not installed. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(available(), MISSING);
    }

    /** Whether {@code redis-server} can be run here; prints the reason to skip when not. */
    static boolean available() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "redis-server"))) return true;
        }
        System.err.println("chatlab testsuite: " + MISSING);
        return false;
    }

    /** A new Redis on a free port, in a fresh directory, with {@code extraConfig} (name, value, ...) applied. */
    static RedisServer start(String... extraConfig) throws IOException {
        Path dir = Files.createTempDirectory("chatlab-redis-");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServer redis = new RedisServer(dir, port);
        redis.launch();
        for (int i = 0; i + 1 < extraConfig.length; i += 2) {
            redis.command("CONFIG", "SET", extraConfig[i], extraConfig[i + 1]);
        }
        return redis;
    }

    /** The {@code --broker} URL, with the query (tuning parameters) when one is given. */
    String url(String query) {
        return "redis://127.0.0.1:" + port + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    int port() { return port; }

    long pid() { return process.pid(); }

    /** Redis's log file, where it writes, for example, that it closed a client past its output buffer limit. */
    String log() throws IOException {
        Path log = dir.resolve("redis.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Stops Redis: with {@code keepData} it saves first and the restart loads it; without, the data is gone. */
    void stop(boolean keepData) throws IOException {
        try {
            command("SHUTDOWN", keepData ? "SAVE" : "NOSAVE");
        } catch (IOException e) {
            // SHUTDOWN closes the connection instead of answering.
        }
        awaitExit();
        if (!keepData) Files.deleteIfExists(dir.resolve("dump.rdb"));
    }

    /** Starts Redis again on the same port and directory (loading {@code dump.rdb} if it is there). */
    void restart() throws IOException {
        launch();
    }

    /** SIGSTOP: Redis keeps its connections open and answers nothing. */
    void pause() throws IOException {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() throws IOException {
        signal("CONT");
    }

    /** One command over RESP, answered with the reply's first line (and a bulk string's body). */
    String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null) throw new IOException("redis closed the connection");
            if (first.startsWith("-")) throw new IOException("redis: " + first);
            if (!first.startsWith("$") || first.equals("$-1")) return first;
            char[] body = new char[Integer.parseInt(first.substring(1))];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) break;
                read += n;
            }
            return new String(body, 0, read);
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            process.toHandle().destroyForcibly(); // SIGKILL ends a paused process too
            awaitExit();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(List.of("redis-server",
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
                "--logfile", dir.resolve("redis.log").toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if ("+PONG".equals(command("PING"))) return;
            } catch (IOException e) {
                // Not listening yet, or still loading its data.
            }
            if (!process.isAlive()) throw new IOException("redis-server exited: " + log());
            if (System.nanoTime() > deadline) throw new IOException("redis-server did not answer PING within 20 s: " + log());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // no event to wait on: Redis has no ready signal
        }
    }

    private void awaitExit() throws IOException {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) throw new IOException("redis-server did not exit");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void signal(String name) throws IOException {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
            if (exit != 0) throw new IOException("kill -" + name + " failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
