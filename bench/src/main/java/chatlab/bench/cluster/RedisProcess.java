package chatlab.bench.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code redis-server} of its own, on a free loopback port, in a directory of its own: what the
 * cluster benchmark measures against, and what the cluster tests break (stop with or without its
 * data, restart on the same port, pause with SIGSTOP). It speaks to Redis over a plain socket in
 * RESP, so the harness needs no Redis client.
 */
public final class RedisProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Whether {@code redis-server} is on the PATH. */
    public static boolean installed() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "redis-server"))) return true;
        }
        return false;
    }

    /** A new Redis on a free port, keeping its files (log, dump) in {@code dir}, with nothing saved unless asked. */
    public static RedisProcess start(Path dir) throws IOException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(dir, port);
        redis.launch();
        return redis;
    }

    /** {@code redis://127.0.0.1:PORT}, with {@code ?query} when one is given. */
    public String url(String query) {
        return "redis://127.0.0.1:" + port + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    public int port() { return port; }

    public long pid() { return process.pid(); }

    public Path dir() { return dir; }

    /** Redis's log, where it writes, for example, that it closed a client past its output buffer limit. */
    public String log() throws IOException {
        Path log = dir.resolve("redis.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Runs Redis on these CPUs ({@code taskset} list syntax, e.g. {@code 1}), as the servers it serves. */
    public void pin(String cpus) throws IOException {
        run("taskset", "-pc", cpus, Long.toString(pid()));
    }

    /** One command, answered with the reply's first line, or a bulk string's body. */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null) throw new IOException("redis closed the connection");
            if (first.startsWith("-")) throw new IOException("redis: " + first);
            if (!first.startsWith("$") || first.equals("$-1")) return first;
            char[] chars = new char[Integer.parseInt(first.substring(1))]; // the replies read here are ASCII: bytes are chars
            int read = 0;
            while (read < chars.length) {
                int n = in.read(chars, read, chars.length - read);
                if (n < 0) break;
                read += n;
            }
            return new String(chars, 0, read);
        }
    }

    /** {@code INFO section} as name to value. */
    public Map<String, String> info(String section) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : command("INFO", section).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return fields;
    }

    /** CPU time Redis has used (user plus system), in milliseconds. */
    public long cpuMillis() throws IOException {
        Map<String, String> cpu = info("cpu");
        return Math.round((Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"))) * 1000);
    }

    /**
     * Commands Redis has run since it started, by name ({@code INFO commandstats}): those inside a
     * script counted too, as Redis counts them. The harness's own ({@code info}) are left out.
     */
    public Map<String, Long> commandCalls() throws IOException {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : info("commandstats").entrySet()) {
            String name = entry.getKey().replaceFirst("^cmdstat_", "");
            if (name.equals("info")) continue;
            for (String field : entry.getValue().split(",")) {
                if (field.startsWith("calls=")) calls.put(name, Long.parseLong(field.substring("calls=".length())));
            }
        }
        return calls;
    }

    /** Stops Redis: with {@code keepData} it saves first and a restart loads it; without, its data is gone. */
    public void stop(boolean keepData) throws IOException {
        try {
            command("SHUTDOWN", keepData ? "SAVE" : "NOSAVE");
        } catch (IOException e) {
            // SHUTDOWN closes the connection instead of answering.
        }
        awaitExit();
        if (!keepData) Files.deleteIfExists(dir.resolve("dump.rdb"));
    }

    /** Starts Redis again on the same port and directory (loading {@code dump.rdb} if it is there). */
    public void restart() throws IOException {
        launch();
    }

    /** SIGSTOP: Redis keeps its connections open and answers nothing. */
    public void pause() throws IOException {
        run("kill", "-STOP", Long.toString(pid()));
    }

    /** SIGCONT. */
    public void resume() throws IOException {
        run("kill", "-CONT", Long.toString(pid()));
    }

    /** Kills Redis (SIGKILL ends a paused one too); its directory stays, for its log. */
    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            process.toHandle().destroyForcibly();
            awaitExit();
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
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // Redis has no ready signal to wait on
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

    private static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
