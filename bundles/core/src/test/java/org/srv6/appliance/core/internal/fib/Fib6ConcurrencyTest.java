package org.srv6.appliance.core.internal.fib;

import static org.junit.Assert.assertEquals;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** One writer changes the table in place while readers look up: a route that does not change is never missed. */
public class Fib6ConcurrencyTest {

    private static final long BASE = 0xfc00_0000_0000_0000L;

    @Test
    public void stableRoutesAreAlwaysFoundWhileOthersChurn() throws Exception {
        Fib6<Integer> fib = new Fib6<>();
        int stable = 2000;
        for (int i = 0; i < stable; i++) {
            fib.add(BASE | i, 0, 128, i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong misses = new AtomicLong();
        AtomicLong lookups = new AtomicLong();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            long seed = t;
            readers[t] = new Thread(() -> {
                Random r = new Random(seed);
                long n = 0;
                while (!stop.get()) {
                    int i = r.nextInt(stable);
                    Integer v = fib.lookup(BASE | i, 0);
                    if (v == null || v != i) {
                        misses.incrementAndGet();
                    }
                    n++;
                }
                lookups.addAndGet(n);
            });
            readers[t].start();
        }
        // the churn shares the /128 level with the stable routes (same probe chains, rehashes) and adds levels
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 1000; i++) {
                fib.add(BASE | 0x1_0000_0000L | i, 0, 128, -i - 1);
                fib.add(BASE | (long) i << 16, 0, 48 + r.nextInt(16), -1);
            }
            for (int i = 0; i < 1000; i++) {
                fib.remove(BASE | 0x1_0000_0000L | i, 0, 128);
            }
            for (int len = 48; len < 64; len++) {
                for (int i = 0; i < 1000; i++) {
                    fib.remove(BASE | (long) i << 16, 0, len);
                }
            }
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertEquals("lookups of unchanged routes that missed (of " + lookups.get() + ")", 0, misses.get());
        assertEquals(stable, fib.size());
        for (int i = 0; i < stable; i++) {
            assertEquals(Integer.valueOf(i), fib.lookup(BASE | i, 0));
        }
    }
}
