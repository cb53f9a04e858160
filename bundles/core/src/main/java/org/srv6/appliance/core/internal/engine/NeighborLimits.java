package org.srv6.appliance.core.internal.engine;

import java.util.function.Function;

import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * The neighbor table's bounds and timers, named after Linux's {@code net.ipv6.neigh.*} settings and
 * read from framework properties {@code srv6.neigh.*} (see README): garbage collection thresholds,
 * unresolved entries per port, solicitations per second per port, and the base reachable time.
 *
 * @param gcThresh1 below this many entries nothing is collected
 * @param gcThresh2 above this many, STALE and FAILED entries idle for {@link #GC_AGE_NANOS} are collected
 * @param gcThresh3 hard bound: a new entry is refused when nothing can be evicted
 * @param unresolvedPerPort INCOMPLETE entries per port at most
 * @param solicitPerSecond NS / ARP requests per second per port (token bucket, burst of as many)
 * @param baseReachableMillis REACHABLE lasts this long, randomized 0.5-1.5× (RFC 4861 §6.3.2)
 */
public record NeighborLimits(int gcThresh1, int gcThresh2, int gcThresh3, int unresolvedPerPort,
        int solicitPerSecond, long baseReachableMillis) {
    public static final NeighborLimits DEFAULTS = new NeighborLimits(128, 512, 1024, 256, 100, 30_000);
    /** Idle time after which a STALE or FAILED entry is collected above gc_thresh2 (Linux: 5 s). */
    static final long GC_AGE_NANOS = 5_000_000_000L;
    /** Idle time after which a STALE or FAILED entry is collected above gc_thresh1 (Linux gc_stale_time: 60 s). */
    static final long STALE_AGE_NANOS = 60_000_000_000L;

    public NeighborLimits {
        if (gcThresh1 < 0 || gcThresh2 < gcThresh1 || gcThresh3 < gcThresh2 || gcThresh3 < 1) {
            throw new IllegalArgumentException("neighbor thresholds must satisfy 0 <= gc_thresh1 <= gc_thresh2 <= gc_thresh3, "
                    + "gc_thresh3 >= 1; got " + gcThresh1 + "/" + gcThresh2 + "/" + gcThresh3);
        }
        if (unresolvedPerPort < 1 || solicitPerSecond < 1 || baseReachableMillis < 1) {
            throw new IllegalArgumentException("unres_max, solicit_rate and base_reachable_ms must be positive");
        }
    }

    /** Reads {@code srv6.neigh.gc_thresh1..3, unres_max, solicit_rate, base_reachable_ms}; a bad value keeps the default. */
    public static NeighborLimits from(Function<String, String> property) {
        NeighborLimits d = DEFAULTS;
        try {
            return new NeighborLimits(read(property, "gc_thresh1", d.gcThresh1), read(property, "gc_thresh2", d.gcThresh2),
                    read(property, "gc_thresh3", d.gcThresh3), read(property, "unres_max", d.unresolvedPerPort),
                    read(property, "solicit_rate", d.solicitPerSecond),
                    read(property, "base_reachable_ms", (int) d.baseReachableMillis));
        } catch (IllegalArgumentException e) {
            CoreLog.warn("srv6.neigh.*: " + e.getMessage() + "; using the defaults");
            return d;
        }
    }

    private static int read(Function<String, String> property, String name, int dflt) {
        String v = property.apply("srv6.neigh." + name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            CoreLog.warn("srv6.neigh." + name + "=" + v + " is not a number; using " + dflt);
            return dflt;
        }
    }
}
