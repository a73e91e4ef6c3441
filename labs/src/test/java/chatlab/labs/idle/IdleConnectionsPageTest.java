package chatlab.labs.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.labs.idle.IdleConnectionsPage.Idle;
import chatlab.labs.idle.IdleConnectionsPage.Interval;
import chatlab.labs.idle.IdleConnectionsPage.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sentence of the idle-connections reading, fed data that shows it and data that contradicts it. */
class IdleConnectionsPageTest {

    /** Samples every 2 s: {@code cpuPerSecond} ms and {@code switchesPerSecond} a second, with one burst second interval at {@code burstAt} s. */
    private static List<Sample> samples(String impl, long pingFreeMs, double cpuPerSecond, double switchesPerSecond, int burstAt, long burst) {
        List<Sample> samples = new ArrayList<>();
        long cpu = 1000;
        long switches = 5000;
        for (int t = 0; t <= 40; t += 2) {
            if (t > 0) {
                cpu += Math.round(cpuPerSecond * 2);
                switches += Math.round(switchesPerSecond * 2) + (t == burstAt ? burst : 0);
            }
            samples.add(new Sample(impl, IdleConnectionsLab.IDLE, 2000, t * 1000L, -1, 2020, -1, cpu, switches, 0, pingFreeMs));
        }
        return samples;
    }

    private static Idle idle(String impl, long threads, double quietCpu, double baseCpu, double quietSwitches, Interval peak) {
        return new Idle(impl, 2000, threads, 120 * 1024, quietCpu, baseCpu, quietSwitches, 40, 10, 3, 100, 40, peak, 26);
    }

    @Test
    void intervalsBeforeTheFirstPossiblePingArePingFree() {
        List<Interval> intervals = IdleConnectionsPage.intervals(samples("evented", 26_000, 3, 40, 30, 2000), "evented", IdleConnectionsLab.IDLE);
        assertEquals(20, intervals.size());
        assertTrue(intervals.get(12).pingFree() && !intervals.get(13).pingFree(), "26 s is the last ping-free sample");
        assertEquals(3.0, IdleConnectionsPage.median(intervals, Interval::cpuMsPerSecond), 0.01);
        assertEquals(1040.0, intervals.get(14).switchesPerSecond(), 0.01, "the burst at 30 s");
        assertTrue(IdleConnectionsPage.intervals(samples("evented", 26_000, 3, 40, 30, 2000), "netty", IdleConnectionsLab.IDLE).isEmpty());
    }

    @Test
    void sleepingThreadsAreSaidOnlyWhenTheCpuStayedAtItsBaseline() {
        String said = IdleConnectionsPage.threadsSleep(List.of(idle("threaded-platform", 2020, 3.5, 3.2, 40, null), idle("evented", 20, 3, 3, 40, null)));
        assertNotNull(said);
        assertTrue(said.contains("`threaded-platform` held 2,020 threads for 2,000 idle connections") && !said.contains("`evented`"), said);
        assertTrue(said.contains("its CPU stayed at 3.50 ms per second (3.20 with no connection)"), said);
        Idle busy = idle("threaded-platform", 2020, 31.7, 3.2, 586, null);
        assertNull(IdleConnectionsPage.threadsSleep(List.of(busy)), "31.7 ms a second is not sleeping");
        String rose = IdleConnectionsPage.cpuRose(List.of(busy));
        assertNotNull(rose);
        assertTrue(rose.contains("`threaded-platform` from 3.20 to 31.7 ms per second (2.85% of a core)"), rose);
        assertNull(IdleConnectionsPage.cpuRose(List.of(idle("evented", 20, 3, 3, 40, null))));
    }

    @Test
    void aWaveIsSaidOnlyWhenItStandsOutAndIsPutOnTheKeepAliveOnlyWhenItCameAfterThePingFreePart() {
        Interval afterPingFree = new Interval(30, 2, 40, 1040, false);
        String said = IdleConnectionsPage.wave(List.of(idle("threaded-platform", 2020, 3, 3, 40, afterPingFree)));
        assertNotNull(said);
        assertTrue(said.contains("`threaded-platform` 1,040 switches per second around 30 s (against 40), 1.00 more per connection"), said);
        assertTrue(said.contains("the servers' keep-alive"), said);

        String early = IdleConnectionsPage.wave(List.of(idle("threaded-platform", 2020, 3, 3, 40, new Interval(10, 2, 40, 1040, true))));
        assertNotNull(early);
        assertFalse(early.contains("keep-alive"), "a wave inside the ping-free part is not the keep-alive: " + early);
        assertNull(IdleConnectionsPage.wave(List.of(idle("evented", 20, 3, 3, 40, new Interval(30, 2, 3, 90, false)))), "90 is not 3x 40");
    }
}
