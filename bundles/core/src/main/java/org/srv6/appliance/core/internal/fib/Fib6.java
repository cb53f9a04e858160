package org.srv6.appliance.core.internal.fib;

import java.util.Arrays;

/**
 * IPv6 longest-prefix-match table keyed by the address as two longs.
 *
 * <p>One open-addressing hash table per prefix length: a lookup probes at most one table per
 * length present (at most 129), longest first, so its cost depends on the number of distinct
 * lengths and not on the number of routes. Lookup allocates nothing.
 *
 * <p>One writer, any number of readers: the control plane changes a published instance in
 * place (a route change costs O(1), whatever the size of the table) while the event loops look
 * up in it without locks. A slot holds an immutable {@link Entry} or a tombstone, so a reader
 * sees a route either before or after a change and never loses one that did not change (no
 * entry is ever moved within an array; a rehash builds a new array and publishes it whole).
 * Every change ends with a volatile write that publishes it.
 *
 * @param <V> route value
 */
public final class Fib6<V> {

    private final Level<V>[] levels;
    /** Prefix lengths present, longest first; the lookup walks exactly these. Replaced, never changed. */
    private volatile int[] lengths = new int[0];
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
        }
        V old = l.put(maskHi(hi, len), maskLo(lo, len), value);
        if (old == null) {
            size++;
            if (l.count == 1) {
                addLength(len); // after the entry: a reader that sees the length finds it
            }
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
                removeLength(len); // the empty level stays: a reader may still be walking it
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

    /** An immutable slot content: a prefix and its route. */
    private static final class Entry {
        final long hi;
        final long lo;
        final Object val;

        Entry(long hi, long lo, Object val) {
            this.hi = hi;
            this.lo = lo;
            this.val = val;
        }
    }

    /** What a removed entry leaves in its slot, so that probe chains through it stay unbroken. */
    private static final Object TOMB = new Object();

    /**
     * Open-addressing (linear probing) table of 128-bit keys. Written by one thread; read by any:
     * slots only go from empty to an entry, from an entry to another entry or a tombstone, and
     * from a tombstone to an entry; a rehash (growth, or too many tombstones) fills a new array
     * and publishes it.
     */
    private static final class Level<V> {
        volatile Object[] slots = new Object[8];
        /** Live entries and live entries plus tombstones (writer only). */
        int count;
        int used;

        Level<V> copy() {
            Level<V> c = new Level<>();
            c.slots = slots.clone();
            c.count = count;
            c.used = used;
            return c;
        }

        private static int hash(long h, long l) {
            long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL;
            x ^= x >>> 29;
            return (int) (x ^ (x >>> 32));
        }

        @SuppressWarnings("unchecked")
        V get(long h, long l) {
            Object[] s = slots;
            int mask = s.length - 1;
            for (int i = hash(h, l) & mask;; i = (i + 1) & mask) {
                Object o = s[i];
                if (o == null) {
                    return null;
                }
                if (o != TOMB) {
                    Entry e = (Entry) o;
                    if (e.hi == h && e.lo == l) {
                        return (V) e.val;
                    }
                }
            }
        }

        @SuppressWarnings("unchecked")
        V put(long h, long l, V v) {
            Object[] s = slots;
            int mask = s.length - 1;
            int free = -1;
            int i = hash(h, l) & mask;
            for (;; i = (i + 1) & mask) {
                Object o = s[i];
                if (o == null) {
                    break;
                }
                if (o == TOMB) {
                    if (free < 0) {
                        free = i;
                    }
                } else {
                    Entry e = (Entry) o;
                    if (e.hi == h && e.lo == l) {
                        s[i] = new Entry(h, l, v);
                        slots = s;
                        return (V) e.val;
                    }
                }
            }
            if (free < 0 && (used + 1) * 2 > s.length) {
                rehash(count + 1);
                return put(h, l, v);
            }
            if (free < 0) {
                free = i;
                used++;
            }
            s[free] = new Entry(h, l, v);
            count++;
            slots = s;
            return null;
        }

        @SuppressWarnings("unchecked")
        V remove(long h, long l) {
            Object[] s = slots;
            int mask = s.length - 1;
            for (int i = hash(h, l) & mask;; i = (i + 1) & mask) {
                Object o = s[i];
                if (o == null) {
                    return null;
                }
                if (o != TOMB) {
                    Entry e = (Entry) o;
                    if (e.hi == h && e.lo == l) {
                        s[i] = TOMB;
                        count--;
                        slots = s;
                        if (used - count > s.length / 4 && s.length > 8) {
                            rehash(count);
                        }
                        return (V) e.val;
                    }
                }
            }
        }

        /** Builds a new array for {@code live} entries (load at most 1/4 after it) and publishes it. */
        private void rehash(int live) {
            int n = 8;
            while (n < live * 4) {
                n <<= 1;
            }
            Object[] old = slots;
            Object[] s = new Object[n];
            int mask = n - 1;
            for (Object o : old) {
                if (o != null && o != TOMB) {
                    Entry e = (Entry) o;
                    int i = hash(e.hi, e.lo) & mask;
                    while (s[i] != null) {
                        i = (i + 1) & mask;
                    }
                    s[i] = e;
                }
            }
            used = count;
            slots = s;
        }
    }
}
