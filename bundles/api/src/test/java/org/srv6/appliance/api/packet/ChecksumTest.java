package org.srv6.appliance.api.packet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

public class ChecksumTest {

    /** RFC 1071 example header: 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7. */
    private static ByteBuf header() {
        return Unpooled.wrappedBuffer(new byte[] {0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0,
            (byte) 0xc0, (byte) 0xa8, 0, 1, (byte) 0xc0, (byte) 0xa8, 0, (byte) 0xc7});
    }

    @Test
    public void ipv4HeaderChecksumMatchesKnownValue() {
        ByteBuf b = header();
        Ipv4.updateChecksum(b, 0);
        assertEquals(0xb861, Ipv4.checksum(b, 0));
        assertTrue(Ipv4.checksumOk(b, 0));
    }

    @Test
    public void incrementalTtlDecrementKeepsTheChecksumValid() {
        ByteBuf b = header();
        Ipv4.updateChecksum(b, 0);
        for (int i = 0; i < 64; i++) {
            Ipv4.decrementTtl(b, 0);
            assertTrue("after " + (i + 1), Ipv4.checksumOk(b, 0));
        }
        assertEquals(0, Ipv4.ttl(b, 0));
    }
}
