package org.srv6.appliance.core.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.DataplaneException;

/**
 * The neighbor table's bounds: gc_thresh3 never exceeded under a flood of unique senders, eviction
 * order, refusal, periodic collection by gc_thresh1/2, the per-port INCOMPLETE limit and the
 * solicitation rate.
 */
public class NeighborBoundsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private NeighborRig rig;

    private NeighborRig rig(NeighborLimits limits) throws Exception {
        rig = new NeighborRig(tmp.getRoot().toPath(), limits);
        return rig;
    }

    @After
    public void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private static NeighborLimits limits(int t1, int t2, int t3, int unres, int rate) {
        return new NeighborLimits(t1, t2, t3, unres, rate, 30_000);
    }

    private void awaitRx(long n) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (rig.dp.counters().rxPackets() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals("frames taken in", n, rig.dp.counters().rxPackets());
        rig.drain();
    }

    private void ns(String src) {
        long mac = 0x02_00_00_00_00_00L | (src.hashCode() & 0xffffffL);
        rig.p1.inject(NeighborFrames.ns(mac, src, NeighborRig.P1_ADDR, mac));
    }

    private void toTarget(String target) {
        rig.p0.inject(NeighborFrames.ipv6(NeighborRig.P0_MAC, NeighborRig.HOST0_MAC, "2001:db8::2", target));
    }

    @Test
    public void aFloodOfUniqueSendersNeverGrowsTheTablePastGcThresh3() throws Exception {
        rig(NeighborLimits.DEFAULTS);
        int bound = NeighborLimits.DEFAULTS.gcThresh3();
        AtomicLong max = new AtomicLong();
        AtomicBoolean run = new AtomicBoolean(true);
        Thread watch = new Thread(() -> {
            while (run.get()) {
                max.accumulateAndGet(rig.counter("entries"), Math::max);
                Thread.onSpinWait();
            }
        }, "table-size-watch");
        watch.start();
        long start = System.nanoTime();
        int n = 6000;
        for (int i = 0; i < n; i++) {
            ns(String.format("fe80::1:%x", i));
            long mac = 0x02_00_00_01_00_00L + i;
            rig.p1.inject(NeighborFrames.arp(0xffff_ffff_ffffL, mac, 1, mac,
                    "10.2." + ((i + 2) >> 8 & 0xff) + "." + ((i + 2) & 0xff), 0, "10.2.0.1"));
            if (i % 500 == 0) {
                rig.p1.poll(0);
                while (rig.p1.poll(0) != null) {
                    // the answers
                }
            }
        }
        awaitRx(2L * n);
        long millis = (System.nanoTime() - start) / 1_000_000;
        run.set(false);
        watch.join();
        assertTrue("table size " + max.get() + " exceeded gc_thresh3 " + bound, max.get() <= bound);
        assertTrue("ip neigh show lists at most the bound", rig.entries().size() <= bound);
        assertTrue("entries were evicted to make room: " + rig.counter("evicted"),
                rig.counter("evicted") >= 2L * n - bound);
        assertEquals("nothing refused: the flood's entries are STALE, evictable", 0, rig.counter("refused"));
        assertEquals("the static entry stays", "PERMANENT", rig.state("2001:db8::2"));
        assertTrue(2 * n + " frames took " + millis + " ms", millis < 20_000);
        while (rig.p1.poll(0) != null) {
            // the answers
        }
        // still resolving and forwarding
        toTarget("2001:db8:1::5");
        byte[] f = rig.p1.poll(2000);
        assertNotNull("a solicitation for a new next hop", f);
        assertEquals(135, f[54] & 0xff);
    }

    @Test
    public void aFullTableEvictsFailedFirstThenTheOldestStale() throws Exception {
        rig(limits(0, 2, 4, 256, 100));
        ns("fe80::a");
        awaitRx(1);
        toTarget("2001:db8:1::5");
        awaitRx(2);
        rig.advance(1000);
        rig.advance(1000);
        rig.advance(1000);
        assertEquals("FAILED", rig.state("2001:db8:1::5"));
        ns("fe80::b");
        awaitRx(3);
        assertEquals(4, rig.entries().size());
        ns("fe80::c");
        awaitRx(4);
        assertNull("FAILED evicted first", rig.state("2001:db8:1::5"));
        assertNull("then the oldest STALE", rig.state("fe80::a"));
        assertEquals("STALE", rig.state("fe80::b"));
        assertEquals("STALE", rig.state("fe80::c"));
        assertEquals("PERMANENT", rig.state("2001:db8::2"));
        assertEquals(2, rig.counter("evicted"));
    }

    @Test
    public void withNothingEvictableANewEntryIsRefusedAndCounted() throws Exception {
        rig(limits(0, 2, 4, 256, 100));
        for (int i = 1; i <= 3; i++) {
            rig.dp.neighbors().add("2001:db8:1::" + i, "02:00:00:00:01:0" + i, "p1");
        }
        try {
            rig.dp.neighbors().add("2001:db8:1::9", "02:00:00:00:01:09", "p1");
            fail("ip neigh add past gc_thresh3");
        } catch (DataplaneException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("full"));
        }
        ns("fe80::d");
        awaitRx(1);
        assertNull("not learnt", rig.state("fe80::d"));
        toTarget("2001:db8:1::5");
        awaitRx(2);
        assertEquals("the packet without an entry", 1, rig.drops(DropReason.NEIGHBOR_TABLE_FULL));
        assertEquals(3, rig.counter("refused"));
        assertEquals(4, rig.entries().size());
    }

    @Test
    public void aboveGcThresh2StaleAndFailedEntriesIdleFor5sAreCollected() throws Exception {
        rig(limits(0, 4, 1024, 256, 100));
        for (int i = 1; i <= 10; i++) {
            ns("fe80::e:" + i);
        }
        awaitRx(10);
        assertEquals(11, rig.entries().size());
        rig.advance(4000);
        assertEquals("younger than 5 s", 11, rig.entries().size());
        rig.advance(1000);
        assertEquals("only the static entry", 1, rig.entries().size());
        assertEquals(10, rig.counter("collected"));
    }

    @Test
    public void belowGcThresh1NothingIsCollectedAndBetweenThresholdsOnlyAfter60s() throws Exception {
        rig(limits(20, 40, 1024, 256, 100));
        for (int i = 1; i <= 10; i++) {
            ns("fe80::f:" + i);
        }
        awaitRx(10);
        rig.advance(600_000);
        assertEquals("below gc_thresh1", 11, rig.entries().size());
        for (int i = 11; i <= 30; i++) {
            ns("fe80::f:" + i);
        }
        awaitRx(30);
        rig.advance(30_000);
        assertEquals("between the thresholds: only those idle for 60 s go", 21, rig.entries().size());
        rig.advance(30_000);
        assertEquals("the others 60 s later", 1, rig.entries().size());
        assertEquals(30, rig.counter("collected"));
    }

    @Test
    public void aPortHasAtMostUnresMaxIncompleteEntries() throws Exception {
        rig(limits(128, 512, 1024, 4, 100));
        for (int i = 1; i <= 10; i++) {
            toTarget("2001:db8:1::" + Integer.toHexString(0x100 + i));
        }
        awaitRx(10);
        assertEquals("packets refused", 6, rig.drops(DropReason.NEIGHBOR_TABLE_FULL));
        assertEquals(6, rig.counter("unresolved-limited"));
        assertEquals(5, rig.entries().size());
        assertEquals("one solicitation each", 4, NeighborRig.sent(rig.p1, 200).size());
    }

    @Test
    public void solicitationsPerPortAreRateLimited() throws Exception {
        rig(limits(128, 512, 1024, 256, 5));
        for (int i = 1; i <= 20; i++) {
            toTarget("2001:db8:1::" + Integer.toHexString(0x200 + i));
        }
        awaitRx(20);
        assertEquals("the burst", 5, NeighborRig.sent(rig.p1, 200).size());
        assertEquals(15, rig.counter("solicit-rate-limited"));
        assertEquals("every packet waits", 20, rig.dp.counters().buffersHeld());
        rig.advance(1000); // 20 retries due, 5 tokens
        assertEquals("the next second's share", 5, NeighborRig.sent(rig.p1, 200).size());
        rig.dp.neighbors().flush("p1");
    }
}
