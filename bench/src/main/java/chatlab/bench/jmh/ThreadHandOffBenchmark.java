package chatlab.bench.jmh;

import java.util.concurrent.SynchronousQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The lecture's second cost: what does handing a value from one thread to another and back cost
 * (block, wake the other, switch) when both threads are platform threads, and when both are
 * virtual? Two threads of the kind ping-pong {@value #ROUND_TRIPS} times per invocation; the
 * benchmark thread only starts a batch and waits for its end, so its own kind is out of the
 * measurement (its one wake-up is spread over the batch).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class ThreadHandOffBenchmark {

    static final int ROUND_TRIPS = 1_000;

    @Param({"platform", "virtual"})
    String kind;

    private final SynchronousQueue<Integer> start = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> done = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    private Thread left;
    private Thread right;

    @Setup(Level.Trial)
    public void setUp() {
        Thread.Builder builder = kind.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        right = builder.start(() -> {
            try {
                while (true) pong.put(ping.take());
            } catch (InterruptedException e) {
                // Trial over.
            }
        });
        left = builder.start(() -> {
            try {
                while (true) {
                    int batch = start.take();
                    int sum = 0;
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        ping.put(i);
                        sum += pong.take();
                    }
                    done.put(sum + batch);
                }
            } catch (InterruptedException e) {
                // Trial over.
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int roundTrip() throws InterruptedException {
        start.put(1);
        return done.take();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        left.interrupt();
        right.interrupt();
        left.join(5_000);
        right.join(5_000);
    }
}
