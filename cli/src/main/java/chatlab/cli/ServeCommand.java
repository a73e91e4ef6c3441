package chatlab.cli;

import chatlab.exercises.StudentCode;
import chatlab.exercises.StudentServer;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code ./chatlab serve}: one server of one model, until SIGINT or SIGTERM. A setting out of range
 * or a port in use is one line on standard error and exit code 2, never a stack trace.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Start one chat server and print 'chatlab listening on HOST:PORT model=M' once it accepts.",
            "SIGINT or SIGTERM closes every WebSocket with 1001 and exits 0.",
            "Every model serves /ws, /echo, /stats and /; the core models also /session, /send, /poll, /events (docs/PROTOCOL.md).",
            "./chatlab serve runs the JVM with the flags in server-jvm.options, the same the benchmark gives every Java server."})
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", completionCandidates = ServerName.Candidates.class,
            description = "Server model: ${COMPLETION-CANDIDATES} (a class of yours, with --classpath; CLASS@MODEL runs an exercise's"
                    + " piece in that model: docs/exercises/).")
    ServerName model;

    @Option(names = "--web", paramLabel = "DIR",
            description = "chatlab's own models: serve the page's files from DIR where it has them (DIR/index.html, DIR/static/...),"
                    + " the built-in ones otherwise; the exercise track's WebSocket transport is tried this way.")
    String web;

    @Option(names = "--classpath", paramLabel = "DIR_OR_JAR", split = ":",
            description = "Where the class of --model class:CLASS is: directories of .java files (compiled first) or .class files, or jars"
                    + " (ignored for chatlab's own models, so that the benchmark can give every server the same command).")
    List<String> classPath;

    @Option(names = {"-p", "--port"}, defaultValue = "8080", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--max-message-bytes", defaultValue = "65536", description = "Largest WebSocket message; over it, close 1009 (default: ${DEFAULT-VALUE}, at least 125).")
    int maxMessageBytes;

    @Option(names = "--outbound-bound-bytes", defaultValue = "1048576",
            description = "Bytes a connection may have queued before it is closed 1008 as a slow consumer (default: ${DEFAULT-VALUE}, at least 1024).")
    int outboundBoundBytes;

    @Option(names = "--idle-interval-ms", defaultValue = "30000",
            description = "Silence before a ping, and again before close 1001 (default: ${DEFAULT-VALUE}).")
    long idleIntervalMillis;

    @Option(names = "--head-timeout-ms", defaultValue = "10000",
            description = "Time to finish an HTTP request, head and body (default: ${DEFAULT-VALUE}).")
    long headTimeoutMillis;

    @Option(names = "--keep-alive-timeout-ms", defaultValue = "60000",
            description = "Time a persistent HTTP connection may wait for its next request (default: ${DEFAULT-VALUE}).")
    long keepAliveTimeoutMillis;

    @Option(names = "--session-expiry-ms", defaultValue = "60000",
            description = "An HTTP session (/session, /poll, /events) unused this long ends (default: ${DEFAULT-VALUE}).")
    long sessionExpiryMillis;

    @Option(names = "--sse-heartbeat-ms", defaultValue = "15000",
            description = "Interval of the comment line on an /events stream (default: ${DEFAULT-VALUE}).")
    long sseHeartbeatMillis;

    @Option(names = "--lab", description = "Serve the lab messages 'compute' and 'sleep'.")
    boolean lab;

    @Option(names = "--workers", defaultValue = "0",
            description = "evented only: threads that run lab work off the loop (default: ${DEFAULT-VALUE}, on the loop).")
    int workers;

    @Option(names = "--loops", defaultValue = "1", paramLabel = "N",
            description = "evented only: selector loops; the acceptor deals connections out to them in turn (default: ${DEFAULT-VALUE}).")
    int loops;

    @Option(names = "--json-recycler", defaultValue = "shared", paramLabel = "POOL",
            description = {"Where the JSON parser and writer keep their scratch buffers between messages:"
                    + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                    "thread-local is Jackson's default, a cache per thread: under thread per connection, one per connection."})
    ServerConfig.JsonRecycler jsonRecycler;

    @Option(names = "--no-ws",
            description = "Turn off chat over WebSocket: /ws is answered 404, so that clients use the HTTP transports (chatlab's own models only).")
    boolean noWebSocket;

    @Option(names = "--broker", paramLabel = "URL",
            description = {"Share the rooms with every server started with the same broker, whatever its model: "
                    + "redis://HOST:PORT (one chat over many processes). Default: none, the server is alone.",
                "Tuning in the query, in ms: heartbeatMillis (5000), presenceTtlMillis (20000), timeoutMillis (2000)."})
    String broker;

    @Option(names = "--fault-delay-ms", defaultValue = "0", hidden = true,
            description = "Testing the harness only: sleep this long before handling each chat message.")
    int faultDelayMillis;

    @Option(names = "--fault-drop-every", defaultValue = "0", hidden = true,
            description = "Testing the harness only: never deliver every n-th room message.")
    int faultDropEvery;

    @Override
    public Integer call() throws Exception {
        if (noWebSocket && !model.isStudent() && !model.implementation().core()) {
            throw usage("--no-ws works with chatlab's own models only, not " + model);
        }
        if (port < 0 || port > 65535) throw usage("--port must be between 0 and 65535, not " + port);
        if (maxMessageBytes < 125) throw usage("--max-message-bytes must be at least 125 (a control frame's size), not " + maxMessageBytes);
        if (outboundBoundBytes < 1024) throw usage("--outbound-bound-bytes must be at least 1024, not " + outboundBoundBytes);
        if (idleIntervalMillis <= 0) throw usage("--idle-interval-ms must be positive, not " + idleIntervalMillis);
        if (headTimeoutMillis <= 0) throw usage("--head-timeout-ms must be positive, not " + headTimeoutMillis);
        if (keepAliveTimeoutMillis <= 0) throw usage("--keep-alive-timeout-ms must be positive, not " + keepAliveTimeoutMillis);
        if (sessionExpiryMillis <= 0) throw usage("--session-expiry-ms must be positive, not " + sessionExpiryMillis);
        if (sseHeartbeatMillis <= 0) throw usage("--sse-heartbeat-ms must be positive, not " + sseHeartbeatMillis);
        if (workers < 0) throw usage("--workers must not be negative, not " + workers);
        if (loops < 1 || loops > ServerConfig.MAX_LOOPS) throw usage("--loops must be between 1 and " + ServerConfig.MAX_LOOPS + ", not " + loops);
        if (loops > 1 && !model.id().equals("evented")) throw usage("--loops works with the evented model only, not " + model);
        ServerConfig config = config();
        ChatServer server;
        StudentCode studentCode = null;
        try {
            if (model.isStudent()) {
                List<Path> entries = new ArrayList<>();
                for (String entry : classPath == null ? List.<String>of() : classPath) entries.add(ExerciseCommand.resolve(entry));
                try {
                    studentCode = StudentCode.prepare(entries, System.err);
                    server = StudentServer.create(model.student(), studentCode, config);
                } catch (StudentCode.CompileError e) {
                    throw usage(model.id() + " did not compile: " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
            } else {
                server = ChatServers.create(model.id(), config);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A broker that cannot be reached, or a model that cannot use one: one line, not a trace.
            System.err.println("chatlab serve: " + e.getMessage());
            if (studentCode != null) studentCode.close();
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Handling the signals ourselves (rather than a shutdown hook) lets the process exit 0.
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        InetSocketAddress bound;
        try {
            bound = server.start(host, port);
        } catch (IOException | RuntimeException e) {
            server.close();
            if (portInUse(e)) {
                throw usage("port " + port + " on " + host + " is in use (another server?); choose another with --port, or --port 0 for any free one");
            }
            throw usage("cannot listen on " + host + ":" + port + ": " + rootMessage(e));
        }
        System.out.println("chatlab listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort()
                + " model=" + model.id());
        System.out.flush();
        stop.await();
        server.close();
        if (studentCode != null) studentCode.close();
        return 0;
    }

    /** The server's settings from the command line; a value the config refuses is a usage error. */
    ServerConfig config() {
        try {
            return ServerConfig.defaults()
                    .withMaxMessageBytes(maxMessageBytes)
                    .withOutboundBoundBytes(outboundBoundBytes)
                    .withIdleInterval(Duration.ofMillis(idleIntervalMillis))
                    .withHeadTimeout(Duration.ofMillis(headTimeoutMillis))
                    .withKeepAliveTimeout(Duration.ofMillis(keepAliveTimeoutMillis))
                    .withSessionExpiry(Duration.ofMillis(sessionExpiryMillis))
                    .withSseHeartbeat(Duration.ofMillis(sseHeartbeatMillis))
                    .withLab(lab)
                    .withWorkers(workers)
                    .withLoops(loops)
                    .withJsonRecycler(jsonRecycler)
                    .withWebSocketChat(!noWebSocket)
                    .withFaults(new ServerConfig.Faults(faultDelayMillis, faultDropEvery))
                    .withWebOverlay(web == null ? null : ExerciseCommand.resolve(web))
                    .withBroker(broker);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Whether a failed start was a port in use, however the model's library reports it. */
    static boolean portInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) return true;
            String message = t.getMessage();
            if (message != null && (message.contains("Address already in use") || message.contains("EADDRINUSE"))) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
