package chatlab.protocol.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/**
 * The lab's compute is CPU work, measured in the thread's own CPU time (which a busy machine does
 * not inflate the way it does wall time): bounds are a factor of four either way, so only a compute
 * that does no work, or work of another order, fails.
 */
class CpuWorkTest {

    @Test
    void aComputeBurnsAboutTheCpuTimeAsked() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CpuWork.prepare();
        long before = threads.getCurrentThreadCpuTime();
        CpuWork.burn(200);
        double spentMillis = (threads.getCurrentThreadCpuTime() - before) / 1e6;
        assertTrue(spentMillis >= 50 && spentMillis <= 800, "200 ms of compute took " + spentMillis + " ms of this thread's CPU");
    }

    @Test
    void twiceTheMillisIsTwiceTheWork() {
        CpuWork.prepare();
        double perMilli = CpuWork.roundsPerMilli();
        assertTrue(perMilli > 1, "digests per ms of one core: " + perMilli);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadCpuTime();
        CpuWork.burn(100);
        long one = threads.getCurrentThreadCpuTime() - before;
        before = threads.getCurrentThreadCpuTime();
        CpuWork.burn(400);
        long four = threads.getCurrentThreadCpuTime() - before;
        assertTrue(four > 2 * one, "400 ms of compute took " + four / 1e6 + " ms of CPU, 100 ms took " + one / 1e6);
    }
}
