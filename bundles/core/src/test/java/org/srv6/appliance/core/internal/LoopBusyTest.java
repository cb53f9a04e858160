package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/** The event loops' busy time ({@code Counters.loopBusyNanos}): one value per loop, grown by the bursts it processed. */
public class LoopBusyTest extends DataplaneTestSupport {

    @Test
    public void aLoopThatProcessedFramesWasBusy() throws Exception {
        long[] before = dp.counters().loopBusyNanos();
        assertEquals("one value per event loop", dp.runtime().loops(), before.length);
        long rx = dp.counters().rxPackets();
        for (int i = 0; i < 50; i++) {
            p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, P0_ADDR, 64, 7, i, 16)));
        }
        await("50 frames received", () -> dp.counters().rxPackets() >= rx + 50, 5000);
        await("busy time grown", () -> sum(dp.counters().loopBusyNanos()) > sum(before), 5000);
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            assertTrue(x >= 0);
            s += x;
        }
        return s;
    }
}
