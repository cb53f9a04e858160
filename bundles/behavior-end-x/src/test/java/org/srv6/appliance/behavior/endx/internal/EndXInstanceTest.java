package org.srv6.appliance.behavior.endx.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndXInstanceTest {
    static final String S2 = "fc000000000000000000000000000012";

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** fc00::1 -> fc00::11 with an SRH (SL 1) over fc00::11, fc00::12; 4 bytes after the SRH that Payload Length leaves out. */
    static Ipv6Builder packet() {
        return Packets.ipv6("fc00::1", "fc00::11").payloadLength(0x28).srh(1, "fc00::11", "fc00::12")
                .payload(Packets.PROTO_UDP, Packets.bytes(1, 2, 3, 4));
    }

    @After
    public void release() {
        harness.close();
    }

    @Test
    public void forwardsToNextHopAndOutputPort() throws Exception {
        EndXBehavior b = new EndXBehavior();
        BehaviorInstance in = b.create(b.parse(List.of("nh6", "fc00::2", "oif", "p1")), new TestBehaviorContext());
        harness.load(packet());
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.hex(Packets.ip6("fc00::2")), Packets.hex(ctx.nextHop6));
        assertEquals(S2, harness.hexAt(24, 16));
    }

    @Test
    public void missingNh6IsRejectedWithOneLine() {
        try {
            new EndXBehavior().parse(List.of("oif", "p1"));
            org.junit.Assert.fail("End.X without nh6 accepted");
        } catch (BehaviorException e) {
            assertEquals(false, e.getMessage().contains("\n"));
        }
    }
}
