package org.srv6.appliance.core.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Neighbors by (port, address), bounded ({@link NeighborLimits}): an open-addressing table read
 * without locks on the packet path and changed in place by one writer at a time. Owns the entries'
 * states (every change goes through {@link #state}, which keeps the per-port count of INCOMPLETE
 * entries), eviction when the table is full, garbage collection, and the counters of both.
 *
 * <p>Same scheme as {@code Fib6}: a slot holds an entry (published with a release store, read
 * with an acquire load) or a tombstone, and no entry moves within an array, so an insertion or
 * removal costs O(1) and a reader finds every entry that did not change; a rehash (when live
 * entries and tombstones fill half the array) builds a new array and publishes it whole.
 *
 * <p>This table's monitor is the one lock of all neighbor state: every mutation of the table
 * and of its entries' resolution state ({@link NeighborResolver}) holds it, from any thread;
 * readers (the packet path, listings) need it only for the entries' non-volatile fields.
 */
public final class NeighborTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Neighbor[].class);
    /** A removed entry's slot: keeps probe chains intact; port -1 matches no lookup. */
    private static final Neighbor TOMBSTONE = new Neighbor(-1, 0, 0);
    private static final int MIN_CAPACITY = 64;

    private final NeighborLimits limits;
    private volatile Neighbor[] slots = new Neighbor[MIN_CAPACITY];
    private volatile int size;
    /** Live entries plus tombstones. */
    private int used;
    /** INCOMPLETE entries per port index. */
    private int[] unresolved = new int[8];
    private volatile long refused;
    private volatile long evicted;
    private volatile long collected;

    public NeighborTable() {
        this(NeighborLimits.DEFAULTS);
    }

    public NeighborTable(NeighborLimits limits) {
        this.limits = limits;
    }

    public NeighborLimits limits() {
        return limits;
    }

    private static int hash(int port, long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ port * 0x165667B19E3779F9L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** @return the entry or null; allocation-free, lock-free */
    public Neighbor get(int port, long hi, long lo) {
        Neighbor[] s = slots;
        int mask = s.length - 1;
        for (int i = hash(port, hi, lo) & mask;; i = (i + 1) & mask) {
            Neighbor n = (Neighbor) SLOT.getAcquire(s, i);
            if (n == null) {
                return null;
            }
            if (n.port == port && n.hi == hi && n.lo == lo) {
                return n;
            }
        }
    }

    public int size() {
        return size;
    }

    /** Entries refused because the table was full and nothing could be evicted. */
    public long refused() {
        return refused;
    }

    /** Entries evicted to make room for a new one. */
    public long evicted() {
        return evicted;
    }

    /** Entries removed by the periodic garbage collection. */
    public long collected() {
        return collected;
    }

    /** @return the existing entry or a new INCOMPLETE one (null when the table is full: see {@link #create}) */
    public synchronized Neighbor getOrCreate(int port, long hi, long lo) {
        Neighbor n = get(port, hi, lo);
        return n != null ? n : create(port, hi, lo, System.nanoTime());
    }

    /**
     * Adds a new INCOMPLETE entry (the caller checked there is none). At gc_thresh3 it first evicts
     * FAILED entries, then the oldest STALE ones, down to gc_thresh2; with nothing to evict the
     * entry is refused. @return the entry, or null when refused
     */
    synchronized Neighbor create(int port, long hi, long lo, long now) {
        if (size >= limits.gcThresh3() && evict() == 0) {
            refused++;
            return null;
        }
        Neighbor n = new Neighbor(port, hi, lo);
        n.updated = now;
        Neighbor[] s = slots;
        if ((used + 1) * 2 > s.length) {
            s = rehash();
        }
        int mask = s.length - 1;
        int i = hash(port, hi, lo) & mask;
        Neighbor x;
        while ((x = s[i]) != null && x != TOMBSTONE) {
            i = (i + 1) & mask;
        }
        if (x == null) {
            used++;
        }
        SLOT.setRelease(s, i, n);
        size++;
        count(port, 1);
        return n;
    }

    /** Sets an entry's state, keeping the count of INCOMPLETE entries per port (under this lock). */
    void state(Neighbor n, int state, long now) {
        int was = n.state;
        if (was == Neighbor.INCOMPLETE && state != Neighbor.INCOMPLETE) {
            count(n.port, -1);
        } else if (was != Neighbor.INCOMPLETE && state == Neighbor.INCOMPLETE) {
            count(n.port, 1);
        }
        n.state = state;
        n.updated = now;
    }

    /** @return INCOMPLETE entries on the port (under this lock) */
    int unresolved(int port) {
        return port < unresolved.length ? unresolved[port] : 0;
    }

    private void count(int port, int delta) {
        if (port >= unresolved.length) {
            unresolved = Arrays.copyOf(unresolved, Math.max(port + 1, unresolved.length * 2));
        }
        unresolved[port] += delta;
    }

    private Neighbor[] rehash() {
        int cap = MIN_CAPACITY;
        while (cap < (size + 1) * 4) {
            cap <<= 1;
        }
        Neighbor[] old = slots;
        Neighbor[] s = new Neighbor[cap];
        int mask = cap - 1;
        for (Neighbor n : old) {
            if (n != null && n != TOMBSTONE) {
                int i = hash(n.port, n.hi, n.lo) & mask;
                while (s[i] != null) {
                    i = (i + 1) & mask;
                }
                s[i] = n;
            }
        }
        used = size;
        slots = s; // the volatile write publishes the whole array
        return s;
    }

    private void remove(Neighbor[] s, int i, Neighbor n) {
        SLOT.setRelease(s, i, TOMBSTONE);
        size--;
        if (n.state == Neighbor.INCOMPLETE) {
            count(n.port, -1);
        }
    }

    /** Whether an entry may go to make room or by age: it holds nothing and nobody relies on it. */
    private static boolean evictable(Neighbor n) {
        return n.heldCount == 0 && (n.state == Neighbor.FAILED || n.state == Neighbor.STALE
                || n.state == Neighbor.INCOMPLETE);
    }

    /** Forced collection (Linux neigh_forced_gc): FAILED first, then oldest STALE, down to gc_thresh2. */
    private int evict() {
        Neighbor[] s = slots;
        int target = Math.max(size - limits.gcThresh2(), 1);
        int gone = 0;
        for (int i = 0; i < s.length && gone < target; i++) {
            Neighbor n = s[i];
            if (n != null && n != TOMBSTONE && n.heldCount == 0 && n.state != Neighbor.STALE && evictable(n)) {
                remove(s, i, n);
                gone++;
            }
        }
        if (gone < target) {
            long[] ages = new long[size];
            int k = 0;
            for (Neighbor n : s) {
                if (n != null && n != TOMBSTONE && n.state == Neighbor.STALE && n.heldCount == 0) {
                    ages[k++] = n.updated;
                }
            }
            if (k > 0) {
                Arrays.sort(ages, 0, k);
                long cutoff = ages[Math.min(k, target - gone) - 1]; // the oldest ones, up to this age
                for (int i = 0; i < s.length && gone < target; i++) {
                    Neighbor n = s[i];
                    if (n != null && n != TOMBSTONE && n.state == Neighbor.STALE && n.heldCount == 0
                            && n.updated - cutoff <= 0) {
                        remove(s, i, n);
                        gone++;
                    }
                }
            }
        }
        evicted += gone;
        return gone;
    }

    /**
     * Periodic collection (under this lock): at gc_thresh1 and above, STALE and FAILED entries idle
     * for 60 s; above gc_thresh2, those idle for 5 s. Nothing they hold (they hold nothing) to free.
     */
    synchronized void collect(long now) {
        if (size < limits.gcThresh1()) {
            return;
        }
        long age = size > limits.gcThresh2() ? NeighborLimits.GC_AGE_NANOS : NeighborLimits.STALE_AGE_NANOS;
        Neighbor[] s = slots;
        int gone = 0;
        for (int i = 0; i < s.length; i++) {
            Neighbor n = s[i];
            if (n != null && n != TOMBSTONE && n.state != Neighbor.INCOMPLETE && evictable(n)
                    && now - n.updated >= age) {
                remove(s, i, n);
                gone++;
            }
        }
        collected += gone;
    }

    /** Removes the entries {@code which} accepts; returns them (the caller frees what they hold). */
    public synchronized List<Neighbor> removeIf(Predicate<Neighbor> which) {
        List<Neighbor> gone = new ArrayList<>();
        Neighbor[] s = slots;
        for (int i = 0; i < s.length; i++) {
            Neighbor n = s[i];
            if (n != null && n != TOMBSTONE && which.test(n)) {
                remove(s, i, n);
                gone.add(n);
            }
        }
        return gone;
    }

    /** @return the current slots (nulls included), to scan under this table's lock without a copy */
    Neighbor[] slots() {
        return slots;
    }

    /** @return whether a slot of {@link #slots()} holds an entry */
    static boolean live(Neighbor n) {
        return n != null && n != TOMBSTONE;
    }

    /** @return every entry (a copy, in no particular order) */
    public List<Neighbor> all() {
        List<Neighbor> out = new ArrayList<>();
        Neighbor[] s = slots;
        for (int i = 0; i < s.length; i++) {
            Neighbor n = (Neighbor) SLOT.getAcquire(s, i);
            if (live(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
