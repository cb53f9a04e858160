package org.srv6.appliance.core.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;

import io.netty.buffer.Unpooled;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.packet.Ethernet;

/**
 * RFC 4861 §7.3 / RFC 826 states with Linux's timers, on a clock the test moves; and learning
 * only from on-link senders with unicast MACs (RFC 4861 §7.2.3).
 */
public class NeighborStateTest {
    private static final String TARGET = "2001:db8:1::5";
    private static final long TARGET_MAC = 0x02_00_00_00_05_05L;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private NeighborRig rig;

    @Before
    public void start() throws Exception {
        rig = new NeighborRig(tmp.getRoot().toPath(), NeighborLimits.DEFAULTS);
    }

    @After
    public void stop() {
        rig.close();
    }

    private static long dstMac(byte[] f) {
        return Ethernet.dstMac(Unpooled.wrappedBuffer(f), 0);
    }

    private static int icmpType(byte[] f) {
        return f.length > 54 && (f[12] & 0xff) == 0x86 && (f[20] & 0xff) == 58 ? f[54] & 0xff : -1;
    }

    private void sendToTarget() {
        rig.p0.inject(NeighborFrames.ipv6(NeighborRig.P0_MAC, NeighborRig.HOST0_MAC, "2001:db8::2", TARGET));
    }

    private byte[] next(String what) throws InterruptedException {
        byte[] f = rig.p1.poll(2000);
        assertNotNull(what, f);
        return f;
    }

    private void awaitState(String address, String state) throws InterruptedException {
        long end = System.nanoTime() + 3_000_000_000L;
        while (!state.equals(rig.state(address)) && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals(address, state, rig.state(address));
    }

    /** Resolves TARGET: INCOMPLETE, multicast NS, solicited NA, REACHABLE, the held packet leaves. */
    private void resolve() throws InterruptedException {
        sendToTarget();
        byte[] ns = next("solicitation");
        assertEquals("multicast NS", 0x3333_ff00_0005L, dstMac(ns));
        assertEquals("INCOMPLETE", rig.state(TARGET));
        rig.p1.inject(NeighborFrames.na(NeighborRig.P1_MAC, TARGET_MAC, TARGET, NeighborRig.P1_ADDR, 0x60));
        assertEquals("the held packet, to the answer's MAC", TARGET_MAC, dstMac(next("held packet")));
        awaitState(TARGET, "REACHABLE");
    }

    @Test
    public void reachableAgesToStaleWhichIsStillUsedThenDelayProbeAndFailed() throws Exception {
        resolve();
        rig.advance(14_000);
        assertEquals("REACHABLE lasts at least half of base_reachable_time", "REACHABLE", rig.state(TARGET));
        rig.advance(32_000);
        assertEquals("and at most 1.5 times it", "STALE", rig.state(TARGET));
        rig.advance(10_000);
        assertEquals("unused: STALE stays", "STALE", rig.state(TARGET));
        sendToTarget();
        assertEquals("a STALE entry is still used", TARGET_MAC, dstMac(next("packet through STALE")));
        rig.advance(250);
        assertEquals("DELAY", rig.state(TARGET));
        rig.advance(4_500);
        assertEquals("DELAY lasts 5 s", "DELAY", rig.state(TARGET));
        assertEquals("nothing sent during DELAY", 0, rig.p1.pending());
        rig.advance(500);
        assertEquals("PROBE", rig.state(TARGET));
        for (int i = 1; i <= 3; i++) {
            byte[] probe = next("unicast probe " + i);
            assertEquals("probe " + i + " is a solicitation", 135, icmpType(probe));
            assertEquals("probe " + i + " goes to the known MAC", TARGET_MAC, dstMac(probe));
            assertEquals("to the target's own address", NeighborFrames.lo(TARGET),
                    Unpooled.wrappedBuffer(probe).getLong(14 + 32));
            rig.advance(1_000);
        }
        assertEquals("three unanswered probes", "FAILED", rig.state(TARGET));
        sendToTarget();
        assertEquals("the next packet starts a new resolution", 0x3333_ff00_0005L, dstMac(next("new NS")));
        assertEquals("INCOMPLETE", rig.state(TARGET));
    }

    @Test
    public void anAnswerDuringProbeMakesItReachableAgain() throws Exception {
        resolve();
        rig.advance(46_000);
        sendToTarget();
        next("packet");
        rig.advance(250);
        rig.advance(5_000);
        assertEquals("PROBE", rig.state(TARGET));
        next("probe");
        rig.p1.inject(NeighborFrames.na(NeighborRig.P1_MAC, TARGET_MAC, TARGET, NeighborRig.P1_ADDR, 0x60));
        awaitState(TARGET, "REACHABLE");
        rig.advance(3_000);
        assertEquals("no more probes", 0, rig.p1.pending());
    }

    @Test
    public void unsolicitedOverrideWithAnotherMacMakesItStaleWithTheNewMac() throws Exception {
        resolve();
        long other = 0x02_00_00_00_05_06L;
        rig.p1.inject(NeighborFrames.na(0x3333_0000_0001L, other, TARGET, "ff02::1", 0x20));
        awaitState(TARGET, "STALE");
        sendToTarget();
        assertEquals("to the new MAC", other, dstMac(next("packet")));
    }

    @Test
    public void solicitationFromAnOnLinkSourceMakesAStaleEntryAndIsAnswered() throws Exception {
        long mac = 0x02_00_00_00_07_07L;
        rig.p1.inject(NeighborFrames.ns(mac, "fe80::707", NeighborRig.P1_ADDR, mac));
        assertEquals("answered", 136, icmpType(next("advertisement")));
        awaitState("fe80::707", "STALE");
        rig.p1.inject(NeighborFrames.ns(mac, "2001:db8:1::77", NeighborRig.P1_ADDR, mac));
        assertEquals(136, icmpType(next("advertisement")));
        awaitState("2001:db8:1::77", "STALE");
    }

    @Test
    public void solicitationFromOffLinkUnspecifiedOrWithoutOptionIsAnsweredButNotLearnt() throws Exception {
        long mac = 0x02_00_00_00_07_08L;
        rig.p1.inject(NeighborFrames.ns(mac, "2001:db8:99::5", NeighborRig.P1_ADDR, mac));
        assertEquals("off-link source: answered", 136, icmpType(next("advertisement")));
        rig.p1.inject(NeighborFrames.ns(mac, "::", NeighborRig.P1_ADDR, -1));
        assertEquals("DAD: answered to all-nodes", 0x3333_0000_0001L, dstMac(next("advertisement")));
        rig.p1.inject(NeighborFrames.ns(mac, "fe80::708", NeighborRig.P1_ADDR, -1));
        assertEquals("no option: answered", 136, icmpType(next("advertisement")));
        assertNull(rig.state("2001:db8:99::5"));
        assertNull(rig.state("::"));
        assertNull("no source link-layer option, no entry (RFC 4861 §7.2.3)", rig.state("fe80::708"));
    }

    @Test
    public void zeroBroadcastAndMulticastSenderMacsAreNeverLearntAndCountedAsDrops() throws Exception {
        long[] bad = {0, 0xffff_ffff_ffffL, 0x0100_5e00_0001L, 0x3333_0000_0001L};
        int i = 0;
        for (long m : bad) {
            i++;
            rig.p1.inject(NeighborFrames.ns(0x02_00_00_00_08_00L, "fe80::80" + i, NeighborRig.P1_ADDR, m));
            rig.p1.inject(NeighborFrames.arp(0xffff_ffff_ffffL, 0x02_00_00_00_08_00L, 1, m, "10.1.0.8" + i, 0,
                    "10.1.0.1"));
            rig.p1.inject(NeighborFrames.arp(NeighborRig.P1_MAC, 0x02_00_00_00_08_00L, 2, m, "10.1.0.9" + i,
                    NeighborRig.P1_MAC, "10.1.0.1"));
        }
        long end = System.nanoTime() + 3_000_000_000L;
        while (rig.drops(DropReason.NEIGHBOR_BAD_SENDER) < 3L * bad.length && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals("dropped as bad sender", 3L * bad.length, rig.drops(DropReason.NEIGHBOR_BAD_SENDER));
        assertEquals("nothing answered", 0, rig.p1.pending());
        assertEquals("only the static entry", 1, rig.entries().size());
        // an advertisement naming such a MAC does not change a resolved entry either
        resolve();
        rig.p1.inject(NeighborFrames.na(NeighborRig.P1_MAC, 0, TARGET, NeighborRig.P1_ADDR, 0x60));
        rig.p1.inject(NeighborFrames.na(NeighborRig.P1_MAC, 0xffff_ffff_ffffL, TARGET, NeighborRig.P1_ADDR, 0x60));
        end = System.nanoTime() + 3_000_000_000L;
        while (rig.drops(DropReason.NEIGHBOR_BAD_SENDER) < 3L * bad.length + 2 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        sendToTarget();
        assertEquals("still the real MAC", TARGET_MAC, dstMac(next("packet")));
    }

    @Test
    public void arpLearnsOnlyOnSubnetSenders() throws Exception {
        long mac = 0x02_00_00_00_09_09L;
        rig.p1.inject(NeighborFrames.arp(0xffff_ffff_ffffL, mac, 1, mac, "10.9.9.9", 0, "10.1.0.1"));
        byte[] reply = next("ARP reply to an off-subnet sender");
        assertEquals(mac, dstMac(reply));
        rig.p1.inject(NeighborFrames.arp(0xffff_ffff_ffffL, mac, 1, mac, "10.1.0.9", 0, "10.1.0.1"));
        next("ARP reply");
        awaitState("10.1.0.9", "STALE");
        rig.p1.inject(NeighborFrames.arp(NeighborRig.P1_MAC, mac, 2, mac, "10.2.3.4", NeighborRig.P1_MAC, "10.2.0.1"));
        awaitState("10.2.3.4", "REACHABLE");
        assertNull("off-subnet sender not learnt", rig.state("10.9.9.9"));
        rig.p1.inject(NeighborFrames.arp(0xffff_ffff_ffffL, mac, 1, mac, "10.2.0.1", 0, "10.1.0.1"));
        next("ARP reply to a sender claiming our address");
        assertNull("our own address is not learnt", rig.state("10.2.0.1"));
        List<?> all = rig.entries();
        assertEquals(3, all.size());
    }
}
