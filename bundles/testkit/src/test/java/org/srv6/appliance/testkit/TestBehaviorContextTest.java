package org.srv6.appliance.testkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;

public class TestBehaviorContextTest {
    @Test
    public void defaultsAreOneSidOnPortZeroAndPortP1() {
        TestBehaviorContext c = new TestBehaviorContext();
        assertEquals(128, c.prefixLength());
        assertEquals(254, c.table());
        assertEquals(0, c.devPort());
        assertEquals(1, c.portIndex("p1"));
        assertEquals(-1, c.portIndex("p9"));
        assertEquals(Packets.hex(new byte[16]), Packets.hex(c.tunnelSource(0)));
        assertNull(c.hmacKey(1));
    }

    @Test
    public void settersChangeWhatTheBehaviorSees() {
        TestBehaviorContext c = new TestBehaviorContext().prefix("10.0.0.0", 24).table(10).devPort(2).port("r1", 3)
                .tunnelSource("fc00::aa").hmacKey(7, "sha256", new byte[] {1});
        assertEquals("0a000000", Packets.hex(c.prefix()));
        assertEquals(24, c.prefixLength());
        assertEquals(10, c.table());
        assertEquals(2, c.devPort());
        assertEquals(3, c.portIndex("r1"));
        assertEquals("fc0000000000000000000000000000aa", Packets.hex(c.tunnelSource(5)));
        assertEquals("sha256", c.hmacKey(7).algorithm());
    }
}
