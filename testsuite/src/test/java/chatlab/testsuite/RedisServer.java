package chatlab.testsuite;

import chatlab.bench.cluster.RedisProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} for one test or test class, on a free loopback port with a directory
 * of its own (the harness's {@link RedisProcess}), and the faults the cluster tests inflict on it:
 * stop (with or without its data), restart on the same port, pause ({@code SIGSTOP}) and resume.
 *
 * <p>Where {@code redis-server} is not installed the cluster tests are skipped, saying so
 * ({@link #MISSING}); {@code ./chatlab test} installs it when run as root.
 */
final class RedisServer implements AutoCloseable {

    static final String MISSING = "redis-server is not on the PATH: the cluster tests are SKIPPED "
            + "(install it: sudo apt-get install redis-server; ./chatlab test does so when run as root)";

    private final RedisProcess redis;

    private RedisServer(RedisProcess redis) {
        this.redis = redis;
    }

    /** Skips the calling test class, saying why, where {@code redis-server} is not installed. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(available(), MISSING);
    }

    /** Whether {@code redis-server} can be run here; prints the reason to skip when not. */
    static boolean available() {
        if (RedisProcess.installed()) return true;
        System.err.println("chatlab testsuite: " + MISSING);
        return false;
    }

    /** A new Redis on a free port, in a fresh directory, with {@code extraConfig} (name, value, ...) applied. */
    static RedisServer start(String... extraConfig) throws IOException {
        RedisServer server = new RedisServer(RedisProcess.start(Files.createTempDirectory("chatlab-redis-")));
        for (int i = 0; i + 1 < extraConfig.length; i += 2) {
            server.redis.command("CONFIG", "SET", extraConfig[i], extraConfig[i + 1]);
        }
        return server;
    }

    /** The {@code --broker} URL, with the query (tuning parameters) when one is given. */
    String url(String query) { return redis.url(query); }

    /** Redis's log, where it writes, for example, that it closed a client past its output buffer limit. */
    String log() throws IOException { return redis.log(); }

    void stop(boolean keepData) throws IOException { redis.stop(keepData); }

    void restart() throws IOException { redis.restart(); }

    void pause() throws IOException { redis.pause(); }

    void resume() throws IOException { redis.resume(); }

    @Override
    public void close() throws IOException {
        redis.close();
        try (Stream<Path> files = Files.walk(redis.dir())) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
