package org.srv6.appliance.core.internal.fib;

import java.util.Arrays;

/**
 * IPv6 longest-prefix-match table keyed by the address as two longs.
 *
 * <p>One open-addressing hash table per prefix length: a lookup probes at most one table per
 * length present (at most 129), longest first, so its cost depends on the number of distinct
 * lengths and not on the number of routes. Lookup allocates nothing. Instances are not
 * thread-safe: the control plane mutates a {@link #copy()} and publishes it through a volatile
 * reference, the event loops only call {@link #lookup(long, long)} on a published instance.
 *
 * @param <V> route value
 */
public final class Fib6<V> {

    private final Level<V>[] levels;
    /** Prefix lengths present, longest first; the lookup walks exactly these. */
    private int[] lengths = new int[0];
    private int size;

    @SuppressWarnings("unchecked")
    public Fib6() {
        levels = (Level<V>[]) new Level[129];
    }

    /** Returns a deep copy that can be modified without disturbing readers of this instance. */
    public Fib6<V> copy() {
        Fib6<V> c = new Fib6<>();
        for (int i = 0; i <= 128; i++) {
            if (levels[i] != null) {
                c.levels[i] = levels[i].copy();
            }
        }
        c.lengths = lengths.clone();
        c.size = size;
        return c;
    }

    public int size() {
        return size;
    }

    /** Adds or replaces the route for prefix hi:lo/len; returns the previous value or null. */
    public V add(long hi, long lo, int len, V value) {
        checkLen(len);
        if (value == null) {
            throw new IllegalArgumentException("route value is null; expected a value");
        }
        Level<V> l = levels[len];
        if (l == null) {
            l = levels[len] = new Level<>();
            addLength(len);
        }
        V old = l.put(maskHi(hi, len), maskLo(lo, len), value);
        if (old == null) {
            size++;
        }
        return old;
    }

    /** Removes the route for prefix hi:lo/len; returns its value or null if absent. */
    public V remove(long hi, long lo, int len) {
        checkLen(len);
        Level<V> l = levels[len];
        if (l == null) {
            return null;
        }
        V old = l.remove(maskHi(hi, len), maskLo(lo, len));
        if (old != null) {
            size--;
            if (l.count == 0) {
                levels[len] = null;
                removeLength(len);
            }
        }
        return old;
    }

    /** Exact-match read of the route for prefix hi:lo/len, or null. */
    public V get(long hi, long lo, int len) {
        checkLen(len);
        Level<V> l = levels[len];
        return l == null ? null : l.get(maskHi(hi, len), maskLo(lo, len));
    }

    /** Longest-prefix match of address hi:lo; null when no prefix covers it. Allocation-free. */
    public V lookup(long hi, long lo) {
        final int[] ls = lengths;
        for (int i = 0; i < ls.length; i++) {
            int len = ls[i];
            V v = levels[len].get(maskHi(hi, len), maskLo(lo, len));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Prefix length of the longest match of hi:lo, or -1. */
    public int lookupLength(long hi, long lo) {
        final int[] ls = lengths;
        for (int i = 0; i < ls.length; i++) {
            int len = ls[i];
            if (levels[len].get(maskHi(hi, len), maskLo(lo, len)) != null) {
                return len;
            }
        }
        return -1;
    }

    public static long maskHi(long hi, int len) {
        if (len >= 64) {
            return hi;
        }
        return len == 0 ? 0L : hi & (-1L << (64 - len));
    }

    public static long maskLo(long lo, int len) {
        if (len <= 64) {
            return 0L;
        }
        return len == 128 ? lo : lo & (-1L << (128 - len));
    }

    private static void checkLen(int len) {
        if (len < 0 || len > 128) {
            throw new IllegalArgumentException("prefix length " + len + " is invalid; expected 0..128");
        }
    }

    private void addLength(int len) {
        int[] n = Arrays.copyOf(lengths, lengths.length + 1);
        n[n.length - 1] = len;
        Arrays.sort(n);
        for (int i = 0, j = n.length - 1; i < j; i++, j--) {
            int t = n[i];
            n[i] = n[j];
            n[j] = t;
        }
        lengths = n;
    }

    private void removeLength(int len) {
        int[] n = new int[lengths.length - 1];
        int k = 0;
        for (int l : lengths) {
            if (l != len) {
                n[k++] = l;
            }
        }
        lengths = n;
    }

    /** Open-addressing (linear probing) table of 128-bit keys with backward-shift deletion. */
    private static final class Level<V> {
        long[] hi = new long[8];
        long[] lo = new long[8];
        Object[] val = new Object[8];
        int count;

        Level<V> copy() {
            Level<V> c = new Level<>();
            c.hi = hi.clone();
            c.lo = lo.clone();
            c.val = val.clone();
            c.count = count;
            return c;
        }

        private static int hash(long h, long l) {
            long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL;
            x ^= x >>> 29;
            return (int) (x ^ (x >>> 32));
        }

        @SuppressWarnings("unchecked")
        V get(long h, long l) {
            int mask = val.length - 1;
            int i = hash(h, l) & mask;
            while (true) {
                Object v = val[i];
                if (v == null) {
                    return null;
                }
                if (hi[i] == h && lo[i] == l) {
                    return (V) v;
                }
                i = (i + 1) & mask;
            }
        }

        @SuppressWarnings("unchecked")
        V put(long h, long l, V v) {
            if ((count + 1) * 2 > val.length) {
                grow();
            }
            int mask = val.length - 1;
            int i = hash(h, l) & mask;
            while (val[i] != null) {
                if (hi[i] == h && lo[i] == l) {
                    V old = (V) val[i];
                    val[i] = v;
                    return old;
                }
                i = (i + 1) & mask;
            }
            hi[i] = h;
            lo[i] = l;
            val[i] = v;
            count++;
            return null;
        }

        @SuppressWarnings("unchecked")
        V remove(long h, long l) {
            int mask = val.length - 1;
            int i = hash(h, l) & mask;
            while (val[i] != null) {
                if (hi[i] == h && lo[i] == l) {
                    V old = (V) val[i];
                    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
                    int j = i;
                    while (true) {
                        j = (j + 1) & mask;
                        if (val[j] == null) {
                            break;
                        }
                        int home = hash(hi[j], lo[j]) & mask;
                        boolean move = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
                        if (move) {
                            hi[i] = hi[j];
                            lo[i] = lo[j];
                            val[i] = val[j];
                            i = j;
                        }
                    }
                    val[i] = null;
                    count--;
                    return old;
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        private void grow() {
            long[] oh = hi;
            long[] ol = lo;
            Object[] ov = val;
            hi = new long[ov.length * 2];
            lo = new long[ov.length * 2];
            val = new Object[ov.length * 2];
            count = 0;
            for (int k = 0; k < ov.length; k++) {
                if (ov[k] != null) {
                    put(oh[k], ol[k], (V) ov[k]);
                }
            }
        }
    }
}
