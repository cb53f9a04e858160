package org.srv6.appliance.core.internal.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborInfo;
import org.srv6.appliance.core.internal.Dataplane;

/**
 * A dataplane with two memory ports, given neighbor limits, and a clock the test moves:
 *
 * <pre>
 *   host0 2001:db8::2 ── p0 [2001:db8::1/64 10.0.0.1/24]   p1 [2001:db8:1::1/64 10.1.0.1/24 10.2.0.1/16] ── targets
 * </pre>
 */
final class NeighborRig implements AutoCloseable {
    static final long P0_MAC = 0x02_00_00_00_aa_00L;
    static final long P1_MAC = 0x02_00_00_00_aa_01L;
    static final long HOST0_MAC = 0x02_00_00_00_00_02L;
    static final String P1_ADDR = "2001:db8:1::1";

    final Dataplane dp;
    final MemoryPort p0;
    final MemoryPort p1;
    /** Nanoseconds; the engine's timers read only this. */
    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

    NeighborRig(Path dir, NeighborLimits limits) throws Exception {
        dp = new Dataplane(dir.resolve("srv6.conf"), 1, limits);
        dp.engine().clock(clock::get);
        p0 = dp.ports().addMemory("p0");
        p1 = dp.ports().addMemory("p1");
        dp.ports().setMac("p0", "02:00:00:00:aa:00");
        dp.ports().setMac("p1", "02:00:00:00:aa:01");
        dp.addresses().add("p0", "2001:db8::1/64");
        dp.addresses().add("p0", "10.0.0.1/24");
        dp.addresses().add("p1", P1_ADDR + "/64");
        dp.addresses().add("p1", "10.1.0.1/24");
        dp.addresses().add("p1", "10.2.0.1/16");
        dp.neighbors().add("2001:db8::2", "02:00:00:00:00:02", "p0");
    }

    /** Moves the clock and runs the timers as the loop-0 tick would; waits for what they send. */
    void advance(long millis) throws InterruptedException {
        clock.addAndGet(millis * 1_000_000L);
        dp.engine().tick();
        drain();
    }

    /** Waits until loop 0 has run what was queued on it so far. */
    void drain() throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        dp.runtime().execute(0, done::countDown);
        if (!done.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("loop 0 did not run a task in 5 s");
        }
    }

    /** @return the state of the entry for {@code address}, or null */
    String state(String address) {
        for (NeighborInfo n : dp.neighbors().list(0)) {
            if (n.address().equals(address)) {
                return n.state();
            }
        }
        return null;
    }

    List<NeighborInfo> entries() {
        return dp.neighbors().list(0);
    }

    long counter(String name) {
        return dp.engine().neighborCounters().get(name);
    }

    long drops(DropReason r) {
        return dp.engine().drops(r);
    }

    /** @return every frame sent on the port within {@code millis} of the last one */
    static List<byte[]> sent(MemoryPort p, long millis) throws InterruptedException {
        List<byte[]> out = new java.util.ArrayList<>();
        for (byte[] f; (f = p.poll(millis)) != null;) {
            out.add(f);
        }
        return out;
    }

    @Override
    public void close() {
        dp.close();
    }
}
