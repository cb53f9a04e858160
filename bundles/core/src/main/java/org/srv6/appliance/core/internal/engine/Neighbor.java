package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

/**
 * A neighbor entry: an IPv6 (hi, lo) or IPv4 (lo = address, hi = {@link #V4}) next hop on a
 * port, in one of the RFC 4861 §7.3.2 states (plus FAILED and PERMANENT, as in Linux). Its MAC
 * is read on the packet path; packets waiting for resolution are held here.
 * Written only under the {@link NeighborTable}'s lock (see {@link NeighborResolver}); MAC and
 * state are volatile for the readers that do not take it.
 */
public final class Neighbor {
    /** Marks IPv4 entries in {@link #hi}; no IPv6 address of ours starts with these bits. */
    public static final long V4 = 0xffff_ffff_ffff_fffeL;

    public static final int INCOMPLETE = 0;
    public static final int REACHABLE = 1;
    public static final int STALE = 2;
    public static final int FAILED = 3;
    public static final int PERMANENT = 4;
    /** Used while STALE: the first probe waits {@link NeighborResolver#DELAY_NANOS} for a confirmation. */
    public static final int DELAY = 5;
    /** Unicast probes, {@link NeighborResolver#PROBE_INTERVAL_NANOS} apart, until confirmed or FAILED. */
    public static final int PROBE = 6;

    /** Packets held per unresolved neighbor. */
    public static final int QUEUE = 3;

    public final int port;
    public final long hi;
    public final long lo;
    /** MAC in the low 48 bits, or -1 while unresolved. */
    public volatile long mac = -1;
    public volatile int state = INCOMPLETE;
    /** Resolution attempts sent, and when the last one went out (guarded by the table's lock). */
    int probes;
    long lastProbe;
    /** When the state last changed, for aging and eviction (guarded by the table's lock). */
    long updated;
    /** When a confirmation made it REACHABLE, and for how long (randomized per confirmation). */
    long confirmed;
    long reachableNanos;
    /** Set by the packet path when it sends through a STALE entry; the tick moves it to DELAY. */
    volatile boolean used;
    /** Held packets (guarded by the table's lock). */
    final ByteBuf[] held = new ByteBuf[QUEUE];
    final int[] heldInPort = new int[QUEUE];
    int heldCount;

    public Neighbor(int port, long hi, long lo) {
        this.port = port;
        this.hi = hi;
        this.lo = lo;
    }

    public boolean isV4() {
        return hi == V4;
    }

    public String stateName() {
        return switch (state) {
            case INCOMPLETE -> "INCOMPLETE";
            case REACHABLE -> "REACHABLE";
            case STALE -> "STALE";
            case FAILED -> "FAILED";
            case DELAY -> "DELAY";
            case PROBE -> "PROBE";
            default -> "PERMANENT";
        };
    }
}
