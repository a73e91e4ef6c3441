package chatlab.protocol.chat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The lab's {@code compute}: a fixed amount of CPU work (SHA-256 over and over), sized so that
 * one core does {@code millis} milliseconds of it. The amount is fixed, not the time: a thread that
 * the kernel preempts, or that shares its core, takes longer to finish but burns the same CPU, so
 * work completed per second measures CPU used, whatever else runs on the machine. (Spinning until
 * the clock says {@code millis} have passed would do less work the busier the machine.)
 *
 * <p>The rate is measured once per process, from the measuring thread's own CPU time, in slices of
 * {@value #SLICE_MILLIS} ms until two slices in a row agree: the digest runs interpreted at first,
 * then compiled, several times faster, as it will in every compute after (at most
 * {@value #MEASURE_MILLIS} ms of CPU in all).
 */
public final class CpuWork {

    private static final int BLOCK = 256;
    static final long SLICE_MILLIS = 20;
    static final long MEASURE_MILLIS = 2_000;

    private CpuWork() {}

    /** Does {@code millis} milliseconds' worth of one core's hashing. */
    public static void burn(int millis) {
        hash(Math.round(Rate.ROUNDS_PER_MILLI * millis));
    }

    /** Measures the rate now, if it was not yet: a server with the lab's messages does so as it starts, not in its first compute. */
    public static void prepare() {
        roundsPerMilli();
    }

    /** Digests per millisecond of one core: measured once, lazily. */
    static double roundsPerMilli() {
        return Rate.ROUNDS_PER_MILLI;
    }

    private static void hash(long rounds) {
        MessageDigest sha = sha256();
        byte[] block = new byte[BLOCK];
        for (long i = 0; i < rounds; i++) {
            block = Arrays.copyOf(sha.digest(block), BLOCK);
        }
        if (block[0] == 42 && block[1] == 42 && block[2] == 42 && block[3] == 42) Thread.onSpinWait(); // keeps the result alive
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The rate, measured on the thread that first asks: a platform thread whose CPU time the JVM can read, or a new one. */
    private static final class Rate {
        static final double ROUNDS_PER_MILLI = measure();

        private static double measure() {
            double[] rate = new double[1];
            Runnable measure = () -> {
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                if (!threads.isCurrentThreadCpuTimeSupported()) {
                    rate[0] = byWallClock();
                    return;
                }
                double last = 0;
                for (long spent = 0; spent < MEASURE_MILLIS; spent += SLICE_MILLIS) {
                    double slice = roundsIn(threads, SLICE_MILLIS) / (double) SLICE_MILLIS;
                    boolean settled = last > 0 && Math.abs(slice - last) <= 0.05 * last;
                    last = Math.max(last, slice);
                    if (settled && spent >= 10 * SLICE_MILLIS) break; // compiled, and past the first tiers
                }
                rate[0] = last;
            };
            if (Thread.currentThread().isVirtual()) {
                // A virtual thread's CPU time cannot be read: measure on a platform thread of its own.
                Thread measurer = Thread.ofPlatform().name("chatlab-cpu-work-rate").start(measure);
                try {
                    measurer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                measure.run();
            }
            return Math.max(1, rate[0]);
        }

        /** Digests done in {@code millis} of this thread's CPU time. */
        private static long roundsIn(ThreadMXBean threads, long millis) {
            MessageDigest sha = sha256();
            byte[] block = new byte[BLOCK];
            long end = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
            long rounds = 0;
            while (threads.getCurrentThreadCpuTime() < end) {
                for (int i = 0; i < 64; i++) block = Arrays.copyOf(sha.digest(block), BLOCK);
                rounds += 64;
            }
            return rounds;
        }

        private static double byWallClock() {
            MessageDigest sha = sha256();
            byte[] block = new byte[BLOCK];
            long end = System.nanoTime() + 50_000_000;
            long rounds = 0;
            while (System.nanoTime() < end) {
                block = Arrays.copyOf(sha.digest(block), BLOCK);
                rounds++;
            }
            return rounds / 50.0;
        }
    }
}
