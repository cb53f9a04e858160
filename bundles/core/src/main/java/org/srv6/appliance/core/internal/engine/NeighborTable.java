package org.srv6.appliance.core.internal.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Neighbors by (port, address), copy-on-write: lookups on the packet path read an immutable
 * open-addressing table without locks; insertions (learning, resolution start, {@code ip neigh
 * add}) are rare and copy it under a lock.
 *
 * <p>That lock, this table's monitor, is the one lock of all neighbor state: every mutation of
 * the table and of its entries' resolution state ({@link NeighborResolver}) holds it, from any
 * thread; readers (the packet path, listings) need it only for the entries' non-volatile fields.
 */
public final class NeighborTable {
    private volatile Neighbor[] slots = new Neighbor[64];
    private int size;

    private static int hash(int port, long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ port * 0x165667B19E3779F9L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** @return the entry or null; allocation-free */
    public Neighbor get(int port, long hi, long lo) {
        Neighbor[] s = slots;
        int mask = s.length - 1;
        for (int i = hash(port, hi, lo) & mask;; i = (i + 1) & mask) {
            Neighbor n = s[i];
            if (n == null) {
                return null;
            }
            if (n.port == port && n.hi == hi && n.lo == lo) {
                return n;
            }
        }
    }

    /** @return the existing entry or a new INCOMPLETE one */
    public synchronized Neighbor getOrCreate(int port, long hi, long lo) {
        Neighbor n = get(port, hi, lo);
        if (n != null) {
            return n;
        }
        n = new Neighbor(port, hi, lo);
        Neighbor[] s = slots;
        Neighbor[] copy = new Neighbor[(size + 1) * 2 > s.length ? s.length * 2 : s.length];
        for (Neighbor x : s) {
            if (x != null) {
                place(copy, x);
            }
        }
        place(copy, n);
        size++;
        slots = copy;
        return n;
    }

    private static void place(Neighbor[] s, Neighbor n) {
        int mask = s.length - 1;
        int i = hash(n.port, n.hi, n.lo) & mask;
        while (s[i] != null) {
            i = (i + 1) & mask;
        }
        s[i] = n;
    }

    /** Removes the entries {@code which} accepts; returns them (the caller frees what they hold). */
    public synchronized List<Neighbor> removeIf(java.util.function.Predicate<Neighbor> which) {
        List<Neighbor> gone = new ArrayList<>();
        Neighbor[] s = slots;
        Neighbor[] copy = new Neighbor[s.length];
        int n = 0;
        for (Neighbor x : s) {
            if (x == null) {
                continue;
            }
            if (which.test(x)) {
                gone.add(x);
            } else {
                place(copy, x);
                n++;
            }
        }
        if (!gone.isEmpty()) {
            size = n;
            slots = copy;
        }
        return gone;
    }

    /** @return the current slots (nulls included), to scan under this table's lock without a copy */
    Neighbor[] slots() {
        return slots;
    }

    /** @return every entry (a copy, in no particular order) */
    public List<Neighbor> all() {
        List<Neighbor> out = new ArrayList<>();
        for (Neighbor x : slots) {
            if (x != null) {
                out.add(x);
            }
        }
        return out;
    }
}
