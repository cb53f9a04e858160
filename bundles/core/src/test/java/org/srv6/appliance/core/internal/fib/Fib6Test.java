package org.srv6.appliance.core.internal.fib;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;

/** Longest-prefix match checked against a brute-force scan of random prefixes. */
public class Fib6Test {

    private static final class P {
        final long hi;
        final long lo;
        final int len;
        final Integer id;

        P(long hi, long lo, int len, Integer id) {
            this.hi = Fib6.maskHi(hi, len);
            this.lo = Fib6.maskLo(lo, len);
            this.len = len;
            this.id = id;
        }

        boolean covers(long h, long l) {
            return Fib6.maskHi(h, len) == hi && Fib6.maskLo(l, len) == lo;
        }
    }

    private static Integer reference(List<P> ps, long h, long l) {
        P best = null;
        for (P p : ps) {
            if (p.covers(h, l) && (best == null || p.len > best.len)) {
                best = p;
            }
        }
        return best == null ? null : best.id;
    }

    @Test
    public void randomPrefixesMatchBruteForce() {
        Random r = new Random(42);
        Fib6<Integer> fib = new Fib6<>();
        List<P> ps = new ArrayList<>();
        // A narrow address space so prefixes nest and overlap often.
        long base = 0xfc00_0000_0000_0000L;
        for (int i = 0; i < 2000; i++) {
            int len = r.nextInt(129);
            long h = base | (r.nextLong() & 0x0000_0000_00ff_ffffL) << (r.nextBoolean() ? 0 : 40);
            long l = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(16);
            P p = new P(h, l, len, i);
            ps.removeIf(q -> q.len == p.len && q.hi == p.hi && q.lo == p.lo);
            ps.add(p);
            fib.add(h, l, len, i);
        }
        // Remove a third, exercising backward-shift deletion.
        for (int i = 0; i < ps.size(); i += 3) {
            P p = ps.remove(i);
            assertEquals(p.id, fib.remove(p.hi, p.lo, p.len));
        }
        assertEquals(ps.size(), fib.size());
        Fib6<Integer> snapshot = fib.copy();
        for (int i = 0; i < 20000; i++) {
            long h;
            long l;
            if (i % 2 == 0) {
                P p = ps.get(r.nextInt(ps.size()));
                h = p.hi | (r.nextInt(3) == 0 ? r.nextLong() & 0xffL : 0);
                l = p.lo | (r.nextInt(3) == 0 ? r.nextLong() & 0xffffL : 0);
            } else {
                h = base | r.nextLong() & 0x0000_ffff_ffff_ffffL;
                l = r.nextLong();
            }
            Integer want = reference(ps, h, l);
            assertEquals(want, fib.lookup(h, l));
            assertEquals(want, snapshot.lookup(h, l));
        }
    }

    @Test
    public void copyIsIndependentAndDefaultRouteMatchesAll() {
        Fib6<String> a = new Fib6<>();
        a.add(0, 0, 0, "default");
        Fib6<String> b = a.copy();
        b.add(0xfc00_0000_0000_0000L, 0, 64, "fc00::/64");
        assertEquals("default", a.lookup(0xfc00_0000_0000_0000L, 1));
        assertEquals("fc00::/64", b.lookup(0xfc00_0000_0000_0000L, 1));
        assertEquals(64, b.lookupLength(0xfc00_0000_0000_0000L, 1));
        assertEquals("default", b.remove(0, 0, 0));
        assertNull(b.lookup(0x2001_0db8_0000_0000L, 1));
        assertEquals("default", a.lookup(0x2001_0db8_0000_0000L, 1));
    }
}
