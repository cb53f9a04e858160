package org.srv6.appliance.lcp;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.Test;

/**
 * Neighbors: RTM_NEWNEIGH / RTM_DELNEIGH built by hand (struct ndmsg and its attributes) and
 * captured from a namespace with veth p1/p1b (lo 1, p1b 2, p1 3: the links of dump-link.hex):
 * dump-neigh6.hex (p1: fc00:1::2 permanent, fc00:1::3 permanent proto static, fc00:1::5
 * reachable, the kernel's NOARP ff02::16; p1b: fc00:2::2 permanent, ff02::16), dump-neigh4.hex
 * (p1: 10.1.0.3 noarp, 10.1.0.5 stale) and event-neigh6.hex (fc00:1::9 added permanent then
 * deleted, fc00:1::2 changed to reachable). Only the static ones of a mirrored port reach the appliance.
 */
public class NeighTest {

    /** One RTM_NEWNEIGH/DELNEIGH: ndmsg then NDA_DST, NDA_LLADDR (when not null), NDA_PROTOCOL (when not 0). */
    static byte[] neigh(int type, int family, int index, int state, int flags, int ndType, byte[] dst, byte[] lladdr,
            int protocol) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        b.putInt(0).putShort((short) type).putShort((short) 0).putInt(1).putInt(0);
        b.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putShort((short) state)
                .put((byte) flags).put((byte) ndType);
        attr(b, 1, dst);
        if (lladdr != null) {
            attr(b, 2, lladdr);
        }
        if (protocol != 0) {
            attr(b, 12, new byte[] {(byte) protocol});
        }
        b.putInt(0, b.position());
        byte[] out = new byte[b.position()];
        b.get(0, out);
        return out;
    }

    private static void attr(ByteBuffer b, int type, byte[] v) {
        b.putShort((short) (4 + v.length)).putShort((short) type).put(v);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private static final byte[] FC00_1_2 = {(byte) 0xfc, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    private static final byte[] MAC2 = {2, 0, 0, 0, 0, 2};

    @Test
    public void handBuiltMessageIsReadFieldByField() {
        List<Rtnl.Msg> msgs = Rtnl.parse(neigh(Rtnl.RTM_NEWNEIGH, Rtnl.AF_INET6, 3, Rtnl.NUD_PERMANENT, 0x80 /* NTF_ROUTER */,
                Rtnl.RTN_UNICAST, FC00_1_2, MAC2, 4));
        assertEquals(1, msgs.size());
        Rtnl.Neigh n = (Rtnl.Neigh) msgs.get(0);
        assertTrue(n.add());
        assertEquals(6, n.family());
        assertEquals(3, n.index());
        assertEquals(Rtnl.NUD_PERMANENT, n.state());
        assertEquals(0x80, n.flags());
        assertEquals(Rtnl.RTN_UNICAST, n.type());
        assertArrayEquals(FC00_1_2, n.dst());
        assertArrayEquals(MAC2, n.lladdr());
        assertEquals(4, n.protocol());
        assertTrue(Mirror.configured(n));

        Rtnl.Neigh d = (Rtnl.Neigh) Rtnl.parse(neigh(Rtnl.RTM_DELNEIGH, Rtnl.AF_INET, 7, 0x20, 0, Rtnl.RTN_UNICAST,
                new byte[] {10, 1, 0, 3}, null, 0)).get(0);
        assertFalse(d.add());
        assertEquals(4, d.family());
        assertEquals("10.1.0.3", RouteText.addr(d.dst()));
        assertNull(d.lladdr());
        assertEquals(0, d.protocol());
    }

    @Test
    public void malformedOrForeignNeighborMessagesAreCountedNotThrown() {
        byte[] good = neigh(Rtnl.RTM_NEWNEIGH, Rtnl.AF_INET6, 3, Rtnl.NUD_PERMANENT, 0, 1, FC00_1_2, MAC2, 0);
        // ndmsg cut short: nlmsg_len 16 + 8
        byte[] shortHdr = java.util.Arrays.copyOf(good, 24);
        ByteBuffer.wrap(shortHdr).order(ByteOrder.nativeOrder()).putInt(0, 24);
        assertEquals("ndmsg too short", ((Rtnl.Malformed) Rtnl.parse(shortHdr).get(0)).why());
        // NDA_DST of 4 bytes in an AF_INET6 message
        byte[] v4dst = neigh(Rtnl.RTM_NEWNEIGH, Rtnl.AF_INET6, 3, Rtnl.NUD_PERMANENT, 0, 1, new byte[] {1, 2, 3, 4}, MAC2, 0);
        assertEquals("NDA_DST of 4 bytes", ((Rtnl.Malformed) Rtnl.parse(v4dst).get(0)).why());
        // an attribute longer than the message
        byte[] longAttr = good.clone();
        ByteBuffer.wrap(longAttr).order(ByteOrder.nativeOrder()).putShort(28, (short) 200);
        assertEquals("attribute length 200", ((Rtnl.Malformed) Rtnl.parse(longAttr).get(0)).why());
        // no NDA_DST: the attribute type changed to NDA_CACHEINFO's
        byte[] noDst = good.clone();
        ByteBuffer.wrap(noDst).order(ByteOrder.nativeOrder()).putShort(30, (short) 3);
        assertEquals("neighbor without NDA_DST", ((Rtnl.Malformed) Rtnl.parse(noDst).get(0)).why());
        // a bridge's forwarding entry (AF_BRIDGE 7) is not the follower's
        byte[] fdb = good.clone();
        fdb[16] = 7;
        assertEquals(new Rtnl.Other(Rtnl.RTM_NEWNEIGH), Rtnl.parse(fdb).get(0));

        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = new Mirror(fake, c, s -> { });
        m.handle(new Rtnl.Link(true, 3, "p1"));
        for (byte[] bad : new byte[][] {shortHdr, v4dst, longAttr, noDst}) {
            Rtnl.parse(bad, bad.length, m::handle);
        }
        assertEquals(4, c.malformed.sum());
        assertEquals(Map.of(), fake.neighs);
    }

    @Test
    public void whichEntriesAreStatic() {
        byte[] v6 = FC00_1_2;
        assertTrue("permanent", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x80, 0, 1, v6, MAC2, 0)));
        assertTrue("noarp", Mirror.configured(new Rtnl.Neigh(true, 4, 3, 0x40, 0, 1, new byte[] {10, 0, 0, 2}, MAC2, 0)));
        assertFalse("reachable", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x02, 0, 1, v6, MAC2, 0)));
        assertFalse("stale", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x04, 0, 1, v6, MAC2, 0)));
        assertFalse("the kernel's multicast entry", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x40, 0, 5,
                new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16}, MAC2, 0)));
        assertFalse("multicast address", Mirror.configured(new Rtnl.Neigh(true, 4, 3, 0x80, 0, 1,
                new byte[] {(byte) 224, 0, 0, 5}, MAC2, 0)));
        assertFalse("proxy", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x80, Rtnl.NTF_PROXY, 1, v6, null, 0)));
        assertFalse("no MAC", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x80, 0, 1, v6, null, 0)));
        assertFalse("not a MAC", Mirror.configured(new Rtnl.Neigh(true, 6, 3, 0x80, 0, 1, v6, new byte[4], 0)));
    }

    private static Mirror dumped(RtnlTest.Fake fake, LcpCounters c, String... neighDumps) throws IOException {
        Mirror m = new Mirror(fake, c, s -> { });
        m.beginDump();
        for (String d : neighDumps) {
            for (Rtnl.Msg msg : Rtnl.parse(RtnlTest.hex(d))) {
                if (!(msg instanceof Rtnl.Done)) {
                    m.handle(msg);
                }
            }
        }
        m.endDump();
        return m;
    }

    @Test
    public void realDumpGivesTheStaticNeighborsOfTheMirroredPortOnly() throws IOException {
        List<Rtnl.Neigh> six = new ArrayList<>();
        for (Rtnl.Msg msg : Rtnl.parse(RtnlTest.hex("dump-neigh6.hex"))) {
            if (msg instanceof Rtnl.Neigh n) {
                six.add(n);
            }
        }
        assertEquals(6, six.size());
        Rtnl.Neigh first = six.get(0);
        assertEquals("fc00:1::3", RouteText.addr(first.dst()));
        assertEquals(4, first.protocol()); // protocol static
        assertEquals(3, first.index());

        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = dumped(fake, c, "dump-link.hex", "dump-neigh6.hex", "dump-neigh4.hex");
        assertEquals(Map.of(
                "p1 10.1.0.3", "02:00:00:00:00:04 proto kernel",
                "p1 fc00:1::2", "02:00:00:00:00:02 proto kernel",
                "p1 fc00:1::3", "02:00:00:00:00:03 proto static"), fake.neighs);
        assertEquals(3, m.learntNeighborCount());
        assertEquals(3, c.neighborsApplied.sum());
        // fc00:1::5 reachable, 10.1.0.5 stale, the two ff02::16 of p1 and p1b; fc00:2::2 is p1b's (no port)
        assertEquals(4, c.neighborsIgnored.sum());
        assertEquals(0, c.malformed.sum());
        assertEquals(Map.of(), c.refused());
    }

    @Test
    public void eventsAddDeleteAndAStateChangeRemove() throws IOException {
        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = dumped(fake, c, "dump-link.hex", "dump-neigh6.hex");
        int before = fake.calls.size();
        for (Rtnl.Msg msg : Rtnl.parse(RtnlTest.hex("event-neigh6.hex"))) {
            m.handle(msg);
        }
        assertEquals(List.of(
                "neigh add fc00:1::9 lladdr 02:00:00:00:00:09 dev p1 proto kernel",
                "neigh del fc00:1::9 dev p1 proto kernel",
                "neigh del fc00:1::2 dev p1 proto kernel"), fake.calls.subList(before, fake.calls.size()));
        assertEquals(Map.of("p1 fc00:1::3", "02:00:00:00:00:03 proto static"), fake.neighs);
        assertEquals(2, c.neighborsRemoved.sum());
        assertEquals("transitions of entries it followed are not ignored ones", 3, c.neighborsIgnored.sum());
    }

    @Test
    public void aResyncRemovesWhatIsGoneAndNeverATypedNeighbor() throws IOException {
        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        fake.typedNeighs.add("p1 fc00:1::2");
        fake.neighs.put("p1 fc00:1::2", "02:00:00:00:00:aa typed");
        LcpCounters c = new LcpCounters();
        Mirror m = dumped(fake, c, "dump-link.hex", "dump-neigh6.hex");
        assertEquals("02:00:00:00:00:aa typed", fake.neighs.get("p1 fc00:1::2"));
        assertEquals(Map.of("appliance: neighbor typed in the shell", 1L), c.refused());
        // the second dump no longer has fc00:1::2 nor fc00:1::3
        m.beginDump();
        for (Rtnl.Msg msg : Rtnl.parse(RtnlTest.hex("dump-link.hex"))) {
            m.handle(msg);
        }
        m.endDump();
        assertEquals(Map.of("p1 fc00:1::2", "02:00:00:00:00:aa typed"), fake.neighs);
        assertEquals(0, m.learntNeighborCount());
        assertEquals(1, c.neighborsRemoved.sum());
    }

    @Test
    public void theMirrorOrTheLinkGoingAwayTakesItsNeighbors() throws IOException {
        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        Mirror m = dumped(fake, new LcpCounters(), "dump-link.hex", "dump-neigh6.hex", "dump-neigh4.hex");
        fake.ports.remove("p1");
        m.reconcileAll();
        assertEquals(Map.of(), fake.neighs);
        fake.ports.add("p1");
        m.reconcileAll();
        assertEquals(3, fake.neighs.size());
        m.handle(new Rtnl.Link(false, 3, "p1"));
        assertEquals(Map.of(), fake.neighs);
        assertEquals(0, m.learntNeighborCount());
    }

    @Test
    public void aRefusedNeighborIsTakenOnceTheTypedOneIsGone() throws IOException {
        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        fake.typedNeighs.add("p1 fc00:1::2");
        Mirror m = dumped(fake, new LcpCounters(), "dump-link.hex", "dump-neigh6.hex");
        assertNull(fake.neighs.get("p1 fc00:1::2"));
        fake.typedNeighs.clear();
        assertEquals(1, m.retryRefused());
        assertEquals("02:00:00:00:00:02 proto kernel", fake.neighs.get("p1 fc00:1::2"));
    }

    @Test
    public void truncatedAndRandomNeighborBytesNeverThrow() throws IOException {
        byte[] all = RtnlTest.hex("dump-neigh6.hex");
        RtnlTest.Fake fake = new RtnlTest.Fake("p1");
        Mirror m = new Mirror(fake, new LcpCounters(), s -> { });
        m.handle(new Rtnl.Link(true, 3, "p1"));
        for (int len = 0; len <= all.length; len++) {
            Rtnl.parse(all, len, m::handle);
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 20000; i++) {
            byte[] b = all.clone();
            for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Rtnl.parse(b, b.length, m::handle);
        }
    }
}
