package org.srv6.appliance.core.internal.io.pcap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;

import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

public class CaptureFilterTest {
    private static final String DMAC = "02:00:00:00:00:01";
    private static final String SMAC = "02:00:00:00:00:02";

    /** An ICMPv6 echo request from fc00::1 to fc00:5::1 with no SRH. */
    private static final byte[] ECHO = Packets.ipv6("fc00::1", "fc00:5::1").icmpEchoRequest(7, 1, new byte[8]).frame(DMAC, SMAC);
    /** UDP over an SRH: DA fc00:2::1, segments fc00:2::1, fc00:3::9. */
    private static final byte[] SRH_UDP = Packets.ipv6("fc00::1", "fc00:2::1").srh(1, "fc00:2::1", "fc00:3::9")
            .udp(1000, 2000, new byte[4]).frame(DMAC, SMAC);
    private static final byte[] V4_TCP = Packets.ethernet(DMAC, SMAC, Packets.ETH_IPV4,
            Packets.ipv4("10.0.0.1", "10.0.0.2", 6, 64, 1, new byte[20]));
    private static final byte[] ARP = Packets.ethernet(DMAC, SMAC, Packets.ETH_ARP,
            Packets.arp(1, SMAC, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.9"));
    private static final byte[] V4_ICMP = Packets.ethernet(DMAC, SMAC, Packets.ETH_IPV4,
            Packets.ipv4("10.0.0.1", "10.0.0.2", 1, 64, 1, Packets.icmp4(8, 0, new byte[4])));

    private static boolean m(String expr, byte[] frame) {
        // a reader index past a headroom: the filter reads relative to it
        ByteBuf b = Unpooled.buffer(frame.length + 10);
        b.writeZero(10).writeBytes(frame).readerIndex(10);
        boolean r = CaptureFilter.compile(expr).matches(b);
        assertEquals("indexes unchanged", 10, b.readerIndex());
        return r;
    }

    @Test
    public void sidMatchesDestinationOrSegmentList() {
        assertTrue(m("sid fc00:5::1", ECHO));
        assertFalse(m("sid fc00:5::2", ECHO));
        assertTrue(m("sid fc00:2::1", SRH_UDP));
        assertTrue("a segment further down the list", m("sid fc00:3::9", SRH_UDP));
        assertFalse(m("sid fc00::1", SRH_UDP));
        assertFalse(m("sid fc00:3::9", V4_TCP));
        assertFalse(m("sid fc00:3::9", ARP));
    }

    @Test
    public void protocols() {
        assertTrue(m("proto icmp6", ECHO));
        assertFalse(m("proto icmp6", SRH_UDP));
        assertTrue("upper layer after the SRH", m("proto udp", SRH_UDP));
        assertTrue(m("proto srh", SRH_UDP));
        assertFalse(m("proto srh", ECHO));
        assertTrue(m("proto tcp", V4_TCP));
        assertTrue(m("proto icmp", V4_ICMP));
        assertFalse(m("proto icmp", ECHO));
        assertTrue(m("proto arp", ARP));
        assertTrue(m("proto ipv6", ECHO));
        assertFalse(m("proto ipv6", V4_TCP));
        assertTrue(m("proto ipv4", V4_TCP));
        assertFalse(m("proto ipv4", ARP));
    }

    @Test
    public void hosts() {
        assertTrue(m("host fc00::1", ECHO));
        assertTrue(m("host fc00:5::1", ECHO));
        assertFalse(m("host fc00:3::9", SRH_UDP));
        assertTrue(m("host 10.0.0.2", V4_TCP));
        assertFalse(m("host 10.0.0.3", V4_TCP));
        assertTrue("ARP target", m("host 10.0.0.9", ARP));
    }

    @Test
    public void combinations() {
        assertTrue(m("sid fc00:5::1 and proto icmp6", ECHO));
        assertFalse(m("sid fc00:5::1 and proto udp", ECHO));
        assertTrue(m("not proto arp", ECHO));
        assertFalse(m("not proto arp", ARP));
        assertTrue(m("proto arp or proto srh", ARP));
        assertTrue(m("proto arp or proto srh", SRH_UDP));
        assertFalse(m("proto arp or proto srh", ECHO));
        assertTrue(m("proto ipv6 and (proto srh or sid fc00:5::1)", ECHO));
        assertFalse(m("not (proto srh or sid fc00:5::1)", ECHO));
        assertTrue("and binds tighter than or", m("proto arp and proto udp or proto icmp6", ECHO));
        assertTrue("blank: all", m("  ", ARP));
        assertEquals("sid fc00:5::1 and not proto arp", CaptureFilter.compile("SID fc00:5::1 AND NOT proto ARP").toString());
    }

    @Test
    public void truncatedFramesDoNotMatchNorThrow() {
        for (byte[] f : new byte[][] {ECHO, SRH_UDP, V4_TCP, ARP}) {
            for (int n = 0; n < f.length; n++) {
                byte[] cut = Arrays.copyOf(f, n);
                for (String e : new String[] {"sid fc00:3::9", "proto udp", "proto srh", "host 10.0.0.9", "host fc00::1",
                        "proto tcp", "proto icmp6"}) {
                    m(e, cut);
                }
            }
        }
        assertFalse(m("sid fc00:3::9", Arrays.copyOf(SRH_UDP, SRH_UDP.length - 20 - 12)));
    }

    @Test
    public void hostileSrhLengthsAreBounded() {
        byte[] f = SRH_UDP.clone();
        int srh = 14 + 40;
        f[srh + 4] = (byte) 200; // last entry far beyond the header
        assertTrue(m("sid fc00:2::1", f));
        assertFalse(m("sid fc00:9::9", f));
    }

    @Test
    public void badFiltersSayWhatIsWrong() {
        bad("sid", "filter ends where an IPv6 address after sid was expected");
        bad("sid 10.0.0.1", "sid needs an IPv6 address, not '10.0.0.1'");
        bad("proto gre", "unknown protocol 'gre'; expected one of icmp6|icmp|udp|tcp|srh|arp|ipv6|ipv4");
        bad("host nothere", "host needs an IPv6 or IPv4 address, not 'nothere'");
        bad("proto udp and", "filter ends where sid, host, proto, not or '(' was expected");
        bad("proto udp proto tcp", "unexpected 'proto' in filter");
        bad("port 53", "unexpected 'port' in filter; expected sid, host, proto, not or '('");
        bad("(proto udp", "filter ends where ')' was expected");
    }

    private static void bad(String expr, String message) {
        try {
            CaptureFilter.compile(expr);
            fail("accepted " + expr);
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
