package org.srv6.appliance.lcp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the follower did with what it read: messages applied, refused by reason, resyncs. */
public final class LcpCounters {
    /** Distinct refusal reasons kept; beyond, they count as "other". */
    private static final int MAX_REASONS = 64;

    public final LongAdder messages = new LongAdder();
    public final LongAdder applied = new LongAdder();
    /** When a message was last applied (epoch milliseconds; 0: never), for the rate of a sync. */
    public volatile long lastApplied;
    public final LongAdder ignored = new LongAdder();
    public final LongAdder resyncs = new LongAdder();
    public final LongAdder overruns = new LongAdder();
    public final LongAdder malformed = new LongAdder();
    /** Static neighbors of the control namespace given to the appliance, and taken back. */
    public final LongAdder neighborsApplied = new LongAdder();
    public final LongAdder neighborsRemoved = new LongAdder();
    /** Neighbor entries left alone: learnt by the kernel (REACHABLE, STALE, …) or its own multicast ones. */
    public final LongAdder neighborsIgnored = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> notes = new ConcurrentHashMap<>();

    /** Counts one message applied, now. */
    public void applied() {
        applied.increment();
        lastApplied = System.currentTimeMillis();
    }

    /** Counts one refusal; @return the count for that reason after it */
    public long refuse(String reason) {
        return count(refused, reason);
    }

    /** Counts one simplification (e.g. ECMP reduced to its first next hop). */
    public long note(String what) {
        return count(notes, what);
    }

    private static long count(Map<String, LongAdder> m, String key) {
        LongAdder a = m.get(key);
        if (a == null) {
            a = m.computeIfAbsent(m.size() >= MAX_REASONS ? "other" : key, k -> new LongAdder());
        }
        a.increment();
        return a.sum();
    }

    public Map<String, Long> refused() {
        return snapshot(refused);
    }

    public Map<String, Long> notes() {
        return snapshot(notes);
    }

    public long refusedTotal() {
        long n = 0;
        for (LongAdder a : refused.values()) {
            n += a.sum();
        }
        return n;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
