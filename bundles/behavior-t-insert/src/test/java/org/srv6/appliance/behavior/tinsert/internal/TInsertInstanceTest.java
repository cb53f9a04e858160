package org.srv6.appliance.behavior.tinsert.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class TInsertInstanceTest {
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** IPv6 fc00::1 -> fc00::2 with 4 bytes of UDP-ish payload. */
    static Ipv6Builder packet() {
        return Packets.ipv6("fc00::1", "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    @After
    public void release() {
        harness.close();
    }

    @Test
    public void srhInsertedWithOriginalDestinationInSegmentListZero() throws Exception {
        TInsertBehavior b = new TInsertBehavior();
        BehaviorInstance in = b.create(b.parse(List.of("segs", "fc00::11,fc00::12")),
                new TestBehaviorContext().tunnelSource("fc00::aa"));
        harness.load(packet());
        assertEquals(Verdict.FORWARD, in.process(ctx));
        String want = Packets.ipv6("fc00::1", "fc00::11").srh(2, "fc00::11", "fc00::12", "fc00::2")
                .payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
    }
}
