package chatlab.bench.jmh;

import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How many bytes does the server allocate for one {@code say} fanned out to a room of
 * {@code members}? Read it with JMH's GC profiler, as {@code gc.alloc.rate.norm} (bytes per
 * operation), which {@code ./chatlab bench jmh} turns on for every benchmark.
 *
 * <p>One operation is the whole server side of one room message, without the sockets: the
 * sender's masked frame goes into its {@link ServerConnection} (decode, JSON parse, checks), the
 * hub numbers, keeps and serializes the message once, and every member's real outbound queue
 * receives it; each member's transport then takes the queued bytes at once, as the event loop
 * writes them to a socket with room in its buffer. Every allocation on that path, per message and
 * per recipient, is counted.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class BroadcastAllocationBenchmark {

    @Param({"100"})
    int members;

    private final List<ServerConnection> room = new ArrayList<>();
    private ByteBuffer sayFrame;

    @Setup(Level.Trial)
    public void setUp() {
        ServerContext context = ServerContext.create("evented", ServerConfig.defaults()
                .withIdleInterval(Duration.ofHours(1)));
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < members; i++) {
            DrainingTransport transport = new DrainingTransport();
            ServerConnection member = new ServerConnection(context, transport, LabRunner.INLINE);
            transport.connection = member;
            member.onRead(ByteBuffer.wrap(("GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)));
            member.onRead(ByteBuffer.wrap(clientText("{\"type\":\"join\",\"room\":\"bench\",\"name\":\"u" + i + "\"}", random)));
            room.add(member);
        }
        String text = "x".repeat(64);
        sayFrame = ByteBuffer.wrap(clientText("{\"type\":\"say\",\"room\":\"bench\",\"text\":\"" + text
                + "\",\"id\":\"c-1763800000000-17\"}", random));
    }

    /** The first member says something; all {@code members} (the sender included) receive it. */
    @Benchmark
    public ServerConnection sayToRoom() {
        ServerConnection sender = room.get(0);
        sayFrame.rewind();
        sender.onRead(sayFrame);
        return sender;
    }

    private static byte[] clientText(String json, SecureRandom random) {
        return FrameEncoder.clientFrame(Opcode.TEXT, true, json.getBytes(StandardCharsets.UTF_8), random);
    }

    /**
     * A socket that always has room, written to the way the event loop writes: the queued frames
     * are copied into one shared direct buffer, and all of them are taken at once.
     */
    private static final class DrainingTransport implements ServerConnection.Transport {
        private static final ByteBuffer SOCKET = ByteBuffer.allocateDirect(64 * 1024);
        ServerConnection connection;

        @Override
        public void outboundReady() {
            while (!connection.outbound().isEmpty()) {
                SOCKET.clear();
                connection.outbound().written(connection.outbound().copyTo(SOCKET));
            }
        }

        @Override
        public void closing(Duration grace) {
            throw new IllegalStateException("a member was closed: " + grace);
        }

        @Override
        public void pollReady() {
            throw new IllegalStateException("a WebSocket member holds no long poll");
        }
    }
}
