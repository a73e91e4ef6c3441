package chatlab.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.procfs.ProcReader;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Readers that stop reading ({@link LoadPlan.Stall}) against real servers with a small outbound
 * bound: the push is sized past what the kernel can hold for one socket, so the server must cut the
 * stalled reader off (1008), and the members that keep reading must lose nothing.
 */
class StalledReadersTest {

    private static final int BOUND = 256 * 1024;
    private static final int PAYLOAD = 4000;
    /** 1 MB a second to each member: little enough for the readers, in this JVM beside the server, to keep up on a busy machine. */
    private static final int RATE = 250;

    /** The most a loopback connection can buffer in the kernel: the largest send buffer and a default receive buffer, and half again (a /proc/sys file is read line by line: its size says 0). */
    private static long kernelCanHold() throws IOException {
        long send = Long.parseLong(String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem"))).trim().split("\\s+")[2]);
        long receive = Long.parseLong(String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_rmem"))).trim().split("\\s+")[1]);
        return (send + receive) * 3 / 2;
    }

    /** The reader's record with its samples spelled out ({@code ms: owed/kernel}). */
    private static String describe(StalledReader r) {
        return r + " " + String.join(" ", r.samples().stream().map(s -> s[0] + ":" + s[1] + "/" + s[2]).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"evented"})
    void aStalledReaderIsCutOffAtTheBoundAndTheOthersLoseNothing(String model) throws Exception {
        Assumptions.assumeTrue(ProcReader.available(), "the kernel's socket queues are read from Linux");
        long push = kernelCanHold() + BOUND + 512 * 1024;
        long pushMillis = Math.max(2_000, push * 1000 / ((long) RATE * PAYLOAD));
        try (ChatServer server = ChatServers.create(model, ServerConfig.defaults().withOutboundBoundBytes(BOUND));
             LoadGenerator generator = new LoadGenerator("test-stall-" + model)) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(4, generator.connect(new ConnectPlan("127.0.0.1", address.getPort(), ConnectPlan.CHAT_PATH, 4, 0, 4, null, 4,
                    20_000, 30_000, 4)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 4, RATE, 0, pushMillis, PAYLOAD, 15_000, 1,
                    new LoadPlan.Stall(1, BOUND + 512 * 1024, 50)));

            assertEquals(0, result.totalErrors(), () -> "the readers lose nothing: " + result.describeFaults());
            assertEquals(1, result.stalled().size());
            StalledReader stalled = result.stalled().get(0);
            assertEquals(3, stalled.index(), "the room's last member stalls, never its sender");
            assertEquals(1008, stalled.closeCode(), () -> "cut off as a slow consumer: " + describe(stalled));
            assertTrue(stalled.resumedMillis() > 0 && stalled.kernelAtResume() > 0, stalled::toString);
            assertTrue(stalled.offeredBytes() - stalled.kernelAtResume() > BOUND, "it read again only once the server held more than"
                    + " its bound: " + stalled);
            assertTrue(stalled.receivedBytes() < stalled.offeredBytes() - BOUND, "the server dropped what it held: " + stalled);
            assertTrue(stalled.samples().stream().anyMatch(s -> s[2] > 0), "the kernel held bytes for it");
            assertEquals(1, server.stats().slowConsumerCloses());
        }
    }
}
