package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.testkit.Packets;

import io.netty.channel.uring.IoUring;

/**
 * Two memory ports with addresses and a host on each, a fresh {@link Dataplane} per test, and
 * the checks every test ends with: no buffer held, no Netty leak report (PARANOID), no packet
 * dropped as INTERNAL (nothing thrown on the packet path).
 *
 * <pre>
 *   host0 2001:db8::2 10.0.0.2 ── p0 [2001:db8::1/64 2001:db8:a::1/64 10.0.0.1/24]
 *   host1 2001:db8:1::2 10.1.0.2 ── p1 [2001:db8:1::1/64 10.1.0.1/24]
 * </pre>
 */
public abstract class DataplaneTestSupport {
    static final String P0_MAC = "02:00:00:00:aa:00";
    static final String P1_MAC = "02:00:00:00:aa:01";
    static final String HOST0_MAC = "02:00:00:00:00:02";
    static final String HOST1_MAC = "02:00:00:00:01:02";
    static final String P0_ADDR = "2001:db8::1";
    static final String P0_ADDR2 = "2001:db8:a::1";
    static final String P1_ADDR = "2001:db8:1::1";
    static final String HOST0 = "2001:db8::2";
    static final String HOST1 = "2001:db8:1::2";
    static final String P0_ADDR4 = "10.0.0.1";
    static final String P1_ADDR4 = "10.1.0.1";
    static final String HOST0_4 = "10.0.0.2";
    static final String HOST1_4 = "10.1.0.2";

    private static final List<String> LEAKS = new ArrayList<>();
    private static final Handler LEAK_WATCH = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = r.getMessage();
            if (m != null && m.contains("LEAK:")) {
                synchronized (LEAKS) {
                    LEAKS.add(m);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static {
        // Netty logs through java.util.logging when nothing else is on the class path.
        Logger.getLogger("io.netty").addHandler(LEAK_WATCH);
    }

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    protected Dataplane dp;
    protected MemoryPort p0;
    protected MemoryPort p1;
    protected Path configFile;
    /** Packets a test makes the engine count as {@code internal} on purpose. */
    protected long expectedInternal;

    /** The I/O backend asked for: {@code -Dsrv6.io}, else auto; a test run on both backends overrides it. */
    protected String ioBackend() {
        return System.getProperty("srv6.io", IoRuntime.AUTO);
    }

    /** The backend {@link #ioBackend()} must give: io_uring where the kernel allows it. */
    private String expectedBackend() {
        String io = ioBackend();
        return io.equals(IoRuntime.EPOLL) ? IoRuntime.EPOLL : IoUring.isAvailable() ? IoRuntime.IO_URING : IoRuntime.EPOLL;
    }

    @Before
    public void startDataplane() throws Exception {
        assertEquals("Netty leak detection must run PARANOID", "paranoid",
                System.getProperty("io.netty.leakDetection.level"));
        configFile = tmp.getRoot().toPath().resolve("etc/srv6.conf");
        dp = new Dataplane(configFile, 1, org.srv6.appliance.core.internal.engine.NeighborLimits.DEFAULTS, ioBackend());
        assertEquals(expectedBackend(), dp.runtime().backend());
        p0 = dp.ports().addMemory("p0");
        p1 = dp.ports().addMemory("p1");
        dp.ports().setMac("p0", P0_MAC);
        dp.ports().setMac("p1", P1_MAC);
        dp.addresses().add("p0", P0_ADDR + "/64");
        dp.addresses().add("p0", P0_ADDR2 + "/64");
        dp.addresses().add("p0", P0_ADDR4 + "/24");
        dp.addresses().add("p1", P1_ADDR + "/64");
        dp.addresses().add("p1", P1_ADDR4 + "/24");
        dp.neighbors().add(HOST0, HOST0_MAC, "p0");
        dp.neighbors().add(HOST1, HOST1_MAC, "p1");
        dp.neighbors().add(HOST0_4, HOST0_MAC, "p0");
        dp.neighbors().add(HOST1_4, HOST1_MAC, "p1");
    }

    @After
    public void stopDataplane() throws Exception {
        if (dp == null) {
            return;
        }
        try {
            await("buffersHeld() back to 0, is " + dp.counters().buffersHeld(), () -> dp.counters().buffersHeld() == 0, 5000);
            assertEquals("packets dropped as internal (something threw on the packet path)", expectedInternal,
                    drop(DropReason.INTERNAL));
            // Leaked buffers are reported when the collector has found them and a later
            // allocation is tracked: collect, then make the engine allocate again.
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(50);
                pingP1(round);
            }
            synchronized (LEAKS) {
                assertTrue("Netty reported leaks: " + LEAKS, LEAKS.isEmpty());
            }
        } finally {
            synchronized (LEAKS) {
                LEAKS.clear();
            }
            dp.close();
        }
    }

    /** Five pings from host1 to p1, each answered (other frames p1 sends meanwhile are skipped). */
    private void pingP1(int round) throws InterruptedException {
        int id = 0x7e00 + round;
        for (int i = 0; i < 5; i++) {
            p1.inject(fromHost1(Packets.ETH_IPV6, echoRequest6(HOST1, P1_ADDR, 64, id, i, 16)));
        }
        boolean[] seen = new boolean[5];
        int answered = 0;
        long end = System.nanoTime() + 3_000_000_000L;
        while (answered < 5) {
            byte[] f = p1.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            assertNotNull("p1 stopped answering pings (" + answered + " of 5 answered)", f);
            if (f.length >= 62 && (f[54] & 0xff) == 129 && Packets.u16(f, 58) == id && !seen[Packets.u16(f, 60)]) {
                seen[Packets.u16(f, 60)] = true;
                answered++;
            }
        }
    }

    /**
     * Collects and allocates tracked buffers for {@code millis} (so that Netty reports what leaked
     * meanwhile), then checks that nothing was reported; the reports are consumed.
     */
    static void assertNoLeakReported(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        do {
            System.gc();
            Thread.sleep(20);
            io.netty.buffer.ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64);
            b.release();
        } while (System.nanoTime() < end);
        List<String> seen;
        synchronized (LEAKS) {
            seen = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        assertTrue(seen.size() + " leak(s) reported: " + seen, seen.isEmpty());
    }

    // ------------------------------------------------ waiting, counters, frames

    static void await(String what, BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    long drop(DropReason r) {
        Long v = dp.counters().drops().get(r.label());
        assertNotNull("no counter " + r.label() + " in " + dp.counters().drops(), v);
        return v;
    }

    /** Waits until {@code r}'s counter reaches {@code n} (the engine counts on its event loop). */
    void awaitDrop(DropReason r, long n) throws InterruptedException {
        await(r.label() + " = " + n + " (drops: " + dp.counters().drops() + ")", () -> drop(r) >= n, 3000);
        assertEquals(r.label() + " in " + dp.counters().drops(), n, drop(r));
    }

    static byte[] poll(MemoryPort p) throws InterruptedException {
        byte[] f = p.poll(2000);
        assertNotNull("nothing sent on " + p.name(), f);
        return f;
    }

    static void assertNothingSent(MemoryPort p, long millis) throws InterruptedException {
        byte[] f = p.poll(millis);
        assertNull("unexpected frame on " + p.name() + ": " + Packets.hex(f), f);
    }

    static void assertFrame(String what, byte[] expected, byte[] actual) {
        assertEquals(what, Packets.hex(expected), Packets.hex(actual));
    }

    /** An ICMPv6 Echo Request as an IPv6 packet. */
    static byte[] echoRequest6(String src, String dst, int hl, int id, int seq, int dataLen) {
        return Packets.ipv6(src, dst).hopLimit(hl).icmpEchoRequest(id, seq, Packets.fill(dataLen, seq)).bytes();
    }

    /** An Ethernet frame from host0 to p0. */
    static byte[] fromHost0(int type, byte[] l3) {
        return Packets.ethernet(P0_MAC, HOST0_MAC, type, l3);
    }

    static byte[] fromHost1(int type, byte[] l3) {
        return Packets.ethernet(P1_MAC, HOST1_MAC, type, l3);
    }

    /** The ICMPv6 error p0 sends host0 about {@code quoted} (already cut by the caller). */
    static byte[] icmp6ErrorToHost0(String from, int type, int code, int param, byte[] quoted) {
        return Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(from, HOST0).hopLimit(64).icmpv6Error(type, code, param, quoted).bytes());
    }

    /** A UDP datagram from host0 as an IPv6 packet. */
    static byte[] udp6Packet(String src, String dst, int hl, int dataLen) {
        return Packets.ipv6(src, dst).hopLimit(hl).udp(40000, 9, Packets.fill(dataLen, 3)).bytes();
    }

    /** Checks that p0 still answers a ping after whatever went before (nothing stuck, nothing queued). */
    void assertStillAnswers() throws InterruptedException {
        p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, P0_ADDR, 64, 0x1111, 1, 8)));
        byte[] r = poll(p0);
        assertEquals("first frame after the bad input is the echo reply: " + Packets.hex(r), 129, r[14 + 40] & 0xff);
    }
}
