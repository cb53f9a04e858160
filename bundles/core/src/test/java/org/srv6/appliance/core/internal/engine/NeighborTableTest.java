package org.srv6.appliance.core.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;

/** The table's structure: O(1) insert and removal in place, tombstones reclaimed, lock-free readers never miss an entry. */
public class NeighborTableTest {
    private static final NeighborLimits BIG = new NeighborLimits(100_000, 100_000, 100_000, 100_000, 100, 30_000);

    @Test
    public void insertAndRemoveCyclesKeepTheArrayBoundedAndLookupsRight() {
        NeighborTable t = new NeighborTable(BIG);
        for (int round = 0; round < 200; round++) {
            synchronized (t) {
                for (int i = 0; i < 1000; i++) {
                    assertNotNull(t.create(1, round, i, 0));
                }
            }
            assertEquals(1000, t.size());
            for (int i = 0; i < 1000; i++) {
                assertNotNull(t.get(1, round, i));
                assertNull(t.get(2, round, i));
            }
            int r = round;
            assertEquals(500, t.removeIf(n -> n.hi == r && n.lo % 2 == 0).size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i % 2 == 1, t.get(1, round, i) != null);
            }
            t.removeIf(n -> true);
            assertEquals(0, t.size());
        }
        assertTrue("tombstones are reclaimed by rehashing: " + t.slots().length, t.slots().length <= 8192);
    }

    @Test
    public void anInsertionDoesNotCopyTheArray() {
        NeighborTable t = new NeighborTable(BIG);
        Neighbor[] before;
        synchronized (t) {
            t.create(1, 0, 0, 0);
            before = t.slots();
            for (int i = 1; i < 20; i++) {
                t.create(1, 0, i, 0);
            }
        }
        assertSame("published in place below half load", before, t.slots());
    }

    @Test
    public void lockFreeReadersNeverMissAnEntryThatStays() throws Exception {
        NeighborTable t = new NeighborTable(BIG);
        synchronized (t) {
            for (int i = 0; i < 100; i++) {
                Neighbor n = t.create(7, 1, i, 0);
                n.mac = i;
            }
        }
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicReference<String> miss = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (run.get()) {
                for (int i = 0; i < 100; i++) {
                    Neighbor n = t.get(7, 1, i);
                    if (n == null || n.mac != i) {
                        miss.compareAndSet(null, "entry " + i + (n == null ? " missing" : " with mac " + n.mac));
                    }
                }
            }
        });
        reader.start();
        for (int round = 0; round < 300; round++) {
            synchronized (t) {
                for (int i = 0; i < 300; i++) {
                    t.create(7, 2 + round, i, 0).mac = 1;
                }
            }
            int r = round;
            t.removeIf(n -> n.hi == 2 + r);
        }
        run.set(false);
        reader.join();
        assertNull(miss.get(), miss.get());
        assertEquals(100, t.size());
    }
}
