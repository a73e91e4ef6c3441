package chatlab.bench.jmh;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What does one member joining and leaving a room cost (the hub's lock, the {@code joined} and
 * {@code left} answers, a presence message to every other member), by room size?
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class HubJoinLeaveBenchmark {

    @Param({"1", "100", "1000"})
    int roomSize;

    private ChatHub hub;
    private Member newcomer;
    private final long[] delivered = new long[1];

    @Setup(Level.Trial)
    public void setUp() {
        hub = new ChatHub(new ServerCounters(), ServerConfig.Faults.NONE, new ChatJson(ServerConfig.JsonRecycler.SHARED));
        for (int i = 0; i < roomSize - 1; i++) hub.join(new Member(delivered), "lobby", "member" + i, -1, null);
        newcomer = new Member(delivered);
    }

    @Benchmark
    public long joinAndLeave() {
        hub.join(newcomer, "lobby", "newcomer", -1, null);
        hub.leave(newcomer, "lobby", null);
        return delivered[0];
    }

    /** A member whose transport only counts what it is handed. */
    static final class Member implements ChatMember {
        private final long[] delivered;

        Member(long[] delivered) { this.delivered = delivered; }

        @Override
        public void deliver(Outbound message) { delivered[0] += message.frame().length; }
    }
}
