package chatlab.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The lecture's first cost: how long does it take to start a thread that does nothing and wait for
 * it to end, for a platform thread (a kernel thread with its own stack) and a virtual one (an
 * object scheduled on a carrier)?
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class ThreadStartJoinBenchmark {

    @Param({"platform", "virtual"})
    String kind;

    private Thread.Builder builder;
    private final Runnable nothing = () -> { };

    @Setup(Level.Trial)
    public void setUp() {
        builder = kind.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
    }

    @Benchmark
    public Thread startAndJoin() throws InterruptedException {
        Thread thread = builder.start(nothing);
        thread.join();
        return thread;
    }
}
