package org.srv6.appliance.core.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;

/**
 * Neighbor state written from every side at once: a loop holding packets and learning answers,
 * the tick retrying and failing resolutions, the control plane adding static entries and
 * deleting entries. One lock keeps each entry consistent and every held frame accounted for.
 */
public class NeighborRaceTest {
    private static final int TARGETS = 16;
    private static final long RUN_NANOS = 1_500_000_000L;

    private final EngineRig rig = new EngineRig(2);

    @After
    public void close() {
        rig.close();
    }

    private static int target(int i) {
        return EngineRig.OUT_ADDR + 1 + i % TARGETS;
    }

    private static long key(int i) {
        return target(i) & 0xffff_ffffL;
    }

    @Test
    public void concurrentHoldLearnTickStaticAndDeleteLoseNothing() throws Exception {
        Engine e = rig.engine;
        NeighborTable table = rig.neighbors;
        ConcurrentLinkedQueue<ByteBuf> injected = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        // loop 1's packet path (no port reads on loop 1 in this rig): packets to the targets, and their answers
        threads.add(new Thread(() -> {
            long end = System.nanoTime() + RUN_NANOS;
            for (int i = 0; System.nanoTime() < end; i++) {
                ByteBuf f = EngineRig.udp4(target(i));
                injected.add(f);
                e.onFrame(1, rig.in, f);
                if (i % 3 == 0) {
                    ByteBuf a = EngineRig.arpReply(target(i * 7), 0x02_00_00_00_01_00L + i % TARGETS);
                    injected.add(a);
                    e.onFrame(1, rig.out, a);
                }
            }
        }, "race-loop"));
        // the tick, with a clock that makes every resolution due each time
        threads.add(new Thread(() -> {
            long now = System.nanoTime();
            long end = now + RUN_NANOS;
            while (System.nanoTime() < end) {
                now += NeighborResolver.PROBE_INTERVAL_NANOS;
                e.tick(now);
            }
        }, "race-tick"));
        // the control plane: ip neigh add / del / flush of a port
        threads.add(new Thread(() -> {
            long end = System.nanoTime() + RUN_NANOS;
            for (int i = 0; System.nanoTime() < end; i++) {
                long k = key(i * 5);
                switch (i % 4) {
                    case 0 -> e.setStatic(2, Neighbor.V4, k, 0x02_00_00_00_02_00L + i % TARGETS);
                    case 1, 2 -> e.discard(table.removeIf(n -> n.port == 2 && n.lo == k));
                    default -> e.discard(table.removeIf(n -> n.port == 2 && n.state != Neighbor.PERMANENT));
                }
            }
        }, "race-control"));
        // checks every entry under the lock while the others run: a write outside it shows up here
        threads.add(new Thread(() -> {
            long end = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < end) {
                synchronized (table) {
                    for (Neighbor n : table.all()) {
                        assertConsistent(n);
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }, "race-audit"));
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, x) -> failure.compareAndSet(null, x));
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(t.getName() + " still running after 60 s", !t.isAlive());
        }
        if (failure.get() != null) {
            throw new AssertionError("a racing thread threw", failure.get());
        }
        rig.drain(0); // failures' errors are sent on loop 0
        rig.drain(1);

        long heldByEntries = 0;
        synchronized (table) {
            for (Neighbor n : table.all()) {
                assertConsistent(n);
                heldByEntries += n.heldCount;
            }
        }
        assertEquals("buffersHeld() against the entries' queues", heldByEntries, e.buffersHeld());

        e.discard(table.removeIf(n -> true));
        assertEquals("buffers held after every entry was removed", 0, e.buffersHeld());
        int leaked = 0;
        for (ByteBuf f : injected) {
            if (f.refCnt() != 0) {
                leaked++;
            }
        }
        assertEquals("injected frames never released, of " + injected.size(), 0, leaked);
        assertEquals("internal drops", 0, e.drops(DropReason.INTERNAL));
    }

    /**
     * Many resolutions running at once, answered while the tick retries them: every answer must
     * leave its entry resolved with no probe count left over, whichever came first.
     */
    @Test
    public void answersDuringTheTickLeaveNoProbeCountBehind() throws Exception {
        Engine e = rig.engine;
        NeighborTable table = rig.neighbors;
        ConcurrentLinkedQueue<ByteBuf> injected = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int targets = 200;
        for (int round = 0; round < 30 && failure.get() == null; round++) {
            for (int i = 0; i < targets; i++) {
                ByteBuf f = EngineRig.udp4(EngineRig.OUT_ADDR + 1 + i);
                injected.add(f);
                e.onFrame(1, rig.in, f); // INCOMPLETE, one probe, one packet held
            }
            long base = System.nanoTime();
            Thread tick = new Thread(() -> {
                long now = base;
                for (int k = 0; k < 2; k++) { // two retries: nothing fails, every entry stays answerable
                    now += NeighborResolver.PROBE_INTERVAL_NANOS;
                    e.tick(now);
                }
            }, "race-tick");
            Thread answers = new Thread(() -> {
                for (int i = 0; i < targets; i++) {
                    ByteBuf a = EngineRig.arpReply(EngineRig.OUT_ADDR + 1 + i, 0x02_00_00_00_03_00L + i);
                    injected.add(a);
                    e.onFrame(1, rig.out, a);
                }
            }, "race-answers");
            for (Thread t : List.of(tick, answers)) {
                t.setUncaughtExceptionHandler((th, x) -> failure.compareAndSet(null, x));
                t.start();
            }
            tick.join();
            answers.join();
            rig.drain(0);
            synchronized (table) {
                for (Neighbor n : table.all()) {
                    if (n.port == 2) {
                        check(n, n.state == Neighbor.REACHABLE, "answered but not reachable");
                        assertConsistent(n);
                    }
                }
            }
            e.discard(table.removeIf(n -> n.port == 2));
        }
        if (failure.get() != null) {
            throw new AssertionError("a racing thread threw", failure.get());
        }
        assertEquals(0, e.buffersHeld());
        for (ByteBuf f : injected) {
            assertEquals("a frame never released", 0, f.refCnt());
        }
    }

    /**
     * The deterministic half of the two stress tests above: while someone holds the neighbor lock,
     * neither the tick nor the control plane changes an entry; each does its work once it is free.
     */
    @Test
    public void tickAndControlPlaneWriteOnlyUnderTheNeighborLock() throws Exception {
        Engine e = rig.engine;
        NeighborTable table = rig.neighbors;
        ByteBuf f = EngineRig.udp4(EngineRig.OUT_ADDR + 9);
        e.onFrame(1, rig.in, f);
        Neighbor n = table.get(2, Neighbor.V4, (EngineRig.OUT_ADDR + 9) & 0xffff_ffffL);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread tick;
        Thread control;
        synchronized (table) {
            assertEquals("resolution started", 1, n.probes);
            long later = n.lastProbe + NeighborResolver.PROBE_INTERVAL_NANOS;
            tick = new Thread(() -> e.tick(later), "tick");
            control = new Thread(() -> e.setStatic(2, Neighbor.V4, n.lo, 0x02_00_00_00_04_00L), "control");
            for (Thread t : List.of(tick, control)) {
                t.setUncaughtExceptionHandler((th, x) -> failure.compareAndSet(null, x));
                t.start();
            }
            Thread.sleep(200);
            assertEquals("probes changed while the lock was held", 1, n.probes);
            assertEquals("state changed while the lock was held", Neighbor.INCOMPLETE, n.state);
            assertEquals("queue changed while the lock was held", 1, n.heldCount);
        }
        tick.join(5000);
        control.join(5000);
        rig.drain(0);
        if (failure.get() != null) {
            throw new AssertionError("a thread threw", failure.get());
        }
        synchronized (table) {
            assertEquals(Neighbor.PERMANENT, n.state);
            assertConsistent(n);
        }
        assertEquals("the held packet left", 0, f.refCnt());
        assertEquals(0, e.buffersHeld());
    }

    /** Nobody calls the tick: the engine runs it on loop 0 by itself once it has a runtime. */
    @Test
    public void theEngineRetriesResolutionsOnLoopZeroByItself() throws Exception {
        AtomicReference<Thread> loop0 = new AtomicReference<>();
        rig.rt.execute(0, () -> loop0.set(Thread.currentThread()));
        ByteBuf f = EngineRig.udp4(EngineRig.OUT_ADDR + 11);
        rig.rt.execute(0, () -> rig.engine.onFrame(0, rig.in, f));
        long end = System.nanoTime() + 5_000_000_000L;
        while (rig.out.sent.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals("the first probe and one retry", 2, rig.out.sent.get());
        assertEquals("the retry was sent by loop 0", loop0.get(), rig.out.lastSender);
    }

    /** Called under the table lock; builds a message only when a check fails. */
    private static void assertConsistent(Neighbor n) {
        check(n, n.probes >= 0 && n.probes <= NeighborResolver.MAX_PROBES, "probes out of range");
        switch (n.state) {
            case Neighbor.REACHABLE, Neighbor.PERMANENT, Neighbor.STALE, Neighbor.DELAY -> {
                check(n, n.mac >= 0, "resolved without a MAC");
                check(n, n.probes == 0, "resolved but still probing");
                check(n, n.heldCount == 0, "resolved but still holding");
            }
            case Neighbor.PROBE -> {
                check(n, n.mac >= 0, "probing without a MAC");
                check(n, n.probes > 0, "probing without a probe");
                check(n, n.heldCount == 0, "probing but holding");
            }
            case Neighbor.INCOMPLETE -> {
                check(n, n.mac < 0, "incomplete with a MAC");
                check(n, n.heldCount == 0 || n.probes > 0, "holds packets but no resolution runs");
            }
            case Neighbor.FAILED -> {
                check(n, n.probes == 0, "failed but probing");
                check(n, n.heldCount == 0, "failed but holding");
            }
            default -> check(n, false, "unexpected state");
        }
        for (int i = 0; i < Neighbor.QUEUE; i++) {
            check(n, (i < n.heldCount) == (n.held[i] != null), "queue slot " + i + " disagrees with the count");
        }
    }

    private static void check(Neighbor n, boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(n.stateName() + " entry for " + Long.toHexString(n.lo) + " (probes " + n.probes
                    + ", held " + n.heldCount + ", mac " + n.mac + "): " + what);
        }
    }
}
