package dev.kiln.internal.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The spin's learning rule, on made-up wait lengths (no clock): a training loop's waits of about 60
 * µs keep a 100 µs spin after outliers; waits longer than the most it spins take the spin to nothing,
 * and a probe that finds short waits again brings it back.
 */
class AdaptiveSpinTest {
    private static final long US = 1000;

    /** A wait under the current spin whose peer acted after {@code waited} and was noticed at once. */
    private static void end(AdaptiveSpin s, long waited) {
        s.ended(s.nanos(), waited, 0);
    }

    @Test
    void aSpinnerThatNoticesLateStopsTheSpinUntilAProbeNoticesInTime() {
        // the peer acted 30 µs into a 100 µs spin, but this thread noticed only 2 ms later: it had lost its
        // core while spinning
        AdaptiveSpin s = new AdaptiveSpin(100);
        s.ended(100 * US, 30 * US, 2_000 * US);
        assertEquals(0, s.current());
        // short waits that parked do not bring the spin back while the cores look shared
        s.ended(0, 60 * US, 100 * US);
        assertEquals(0, s.current());
        // a probe that spun and noticed in time does
        s.ended(100 * US, 30 * US, 0);
        assertEquals(60 * US, s.current());
        s.ended(60 * US, 70 * US, 5 * US); // parked, the peer at 70 µs: a longer spin would have caught it
        assertEquals(100 * US, s.current());
    }

    @Test
    void startsAtTheMost() {
        assertEquals(100 * US, new AdaptiveSpin(100).nanos());
    }

    @Test
    void waitsWithinTheMostKeepASpinThatCoversThem() {
        AdaptiveSpin s = new AdaptiveSpin(100);
        for (int i = 0; i < 50; i++) {
            end(s, 60 * US);
            assertEquals(100 * US, s.nanos());
        }
    }

    @Test
    void anOutlierCostsOneShortSpinNotTheLoop() {
        // the rule this replaced halved the spin after every parked wait and doubled it only after one that
        // ended while spinning: after a long wait, 60 µs waits under a 50 µs spin parked, and the spin never
        // grew back
        AdaptiveSpin s = new AdaptiveSpin(100);
        end(s, 5_000 * US); // the loop paused (other work between two windows of steps)
        assertEquals(50 * US, s.nanos());
        end(s, 60 * US); // parked: the peer came at 60 µs, a spin of 120 µs (capped at 100) would have caught it
        assertEquals(100 * US, s.nanos());
    }

    @Test
    void longWaitsStopTheSpinAndAProbeRestartsIt() {
        AdaptiveSpin s = new AdaptiveSpin(20);
        for (int i = 0; i < 8; i++) {
            end(s, 500 * US);
        }
        int probes = 0;
        for (int i = 0; i < AdaptiveSpin.PROBE_EVERY * 2; i++) {
            long n = s.nanos();
            if (n > 0) {
                assertEquals(20 * US, n);
                probes++;
            }
        }
        assertEquals(2, probes);
        end(s, 3 * US); // a probe that caught the peer at 3 µs
        assertTrue(s.nanos() >= 6 * US, "spin after a short wait: " + s.nanos());
    }

    @Test
    void failedProbesComeFurtherApart() {
        AdaptiveSpin s = new AdaptiveSpin(20);
        s.ended(20 * US, 5 * US, 3_000 * US); // noticed late: the cores are shared
        int[] gaps = new int[4];
        for (int p = 0; p < gaps.length; p++) {
            int k = 0;
            long n;
            while ((n = s.nanos()) == 0) {
                k++;
            }
            gaps[p] = k + 1;
            s.ended(n, 5 * US, 3_000 * US); // the probe noticed late again
        }
        assertEquals(AdaptiveSpin.PROBE_EVERY, gaps[0]);
        assertTrue(
                gaps[1] >= AdaptiveSpin.PROBE_EVERY && gaps[3] <= AdaptiveSpin.PROBE_MOST,
                java.util.Arrays.toString(gaps));
        assertTrue(gaps[3] > 2 * AdaptiveSpin.PROBE_EVERY, java.util.Arrays.toString(gaps));
    }

    @Test
    void shortWaitsKeepAtLeastOneMicrosecond() {
        AdaptiveSpin s = new AdaptiveSpin(20);
        for (int i = 0; i < 8; i++) {
            end(s, 500 * US);
        }
        end(s, 0);
        assertEquals(US, s.nanos());
    }
}
