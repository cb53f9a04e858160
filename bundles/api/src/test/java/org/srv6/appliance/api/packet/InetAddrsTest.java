package org.srv6.appliance.api.packet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class InetAddrsTest {

    @Test
    public void ipv6TextRoundTripsInRfc5952Form() {
        String[][] cases = {
            {"fc00::1", "fc00::1"},
            {"FC00:0:0:0:0:0:0:1", "fc00::1"},
            {"::", "::"},
            {"::1", "::1"},
            {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
            {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
            {"fe80::a:b", "fe80::a:b"},
            {"::ffff:10.0.0.1", "::ffff:a00:1"},
            {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
        };
        for (String[] c : cases) {
            assertEquals(c[0], c[1], InetAddrs.format6(InetAddrs.parse6(c[0])));
        }
    }

    @Test
    public void ipv6ParseGivesNetworkOrderBytes() {
        byte[] a = InetAddrs.parse6("fc00:1::2");
        assertEquals((byte) 0xfc, a[0]);
        assertEquals(0x01, a[3]);
        assertEquals(0x02, a[15]);
    }

    @Test
    public void malformedIpv6IsRejected() {
        for (String s : new String[] {"", "fc00", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9", ":1:2", "fc00::1/64"}) {
            assertFalse(s, InetAddrs.is6(s));
        }
    }

    @Test
    public void ipv4ParsesAndFormats() {
        assertEquals(0x0a000001, InetAddrs.parse4("10.0.0.1"));
        assertEquals("192.168.1.255", InetAddrs.format4(InetAddrs.parse4("192.168.1.255")));
        assertFalse(InetAddrs.is4("256.1.1.1"));
        assertFalse(InetAddrs.is4("1.2.3"));
        assertTrue(InetAddrs.is4("0.0.0.0"));
    }

    @Test
    public void macParsesAndFormats() {
        byte[] m = InetAddrs.parseMac("02:00:5e:10:00:ff");
        assertArrayEquals(new byte[] {2, 0, 0x5e, 0x10, 0, (byte) 0xff}, m);
        assertEquals("02:00:5e:10:00:ff", InetAddrs.formatMac(m, 0));
    }
}
