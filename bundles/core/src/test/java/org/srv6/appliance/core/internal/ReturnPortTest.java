package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Packets;

/**
 * A proxy-style instance claims its service's port ({@code BehaviorInstance.returnPort}): what
 * the service sends back comes to {@code processReturn}, ARP/NDP and packets for the appliance
 * itself do not, and the claim goes with the behavior.
 */
public class ReturnPortTest extends DataplaneTestSupport {
    private static final String SID = "fc00::50";

    /** Sends SID traffic to host1 (the "service") on p1, and what host1 returns to host0. */
    @BehaviorType(behavior = "End.PX")
    static final class ProxyBehavior extends AbstractBehavior {
        ProxyBehavior() {
            super(d -> d.definition("test proxy").reference("none").required(Attribute.OIF));
        }

        @Override
        protected BehaviorInstance instance(Attributes attributes, BehaviorContext context) {
            int service = context.portIndex(attributes.oif());
            return new BehaviorInstance() {
                @Override
                public Verdict process(PacketContext ctx) {
                    System.arraycopy(Packets.ip6(HOST1), 0, ctx.nextHop6, 0, 16);
                    ctx.outPort = service;
                    return Verdict.FORWARD_NH6;
                }

                @Override
                public int returnPort() {
                    return service;
                }

                @Override
                public Verdict processReturn(PacketContext ctx) {
                    System.arraycopy(Packets.ip6(HOST0), 0, ctx.nextHop6, 0, 16);
                    return Verdict.FORWARD_NH6;
                }
            };
        }
    }

    @Test
    public void framesFromTheClaimedPortGoToTheInstanceUntilItsBehaviorLeaves() throws Exception {
        dp.behaviors().addProvider(new Provider("End.PX", "ENDPOINT", new ProxyBehavior(), 7, 0, 7, "test.px", "1.0.0"));
        dp.routes().add(new RouteSpec(6, SID + "/128", null, "p0", 254, 0, "seg6local", "End.PX", List.of("oif", "p1")));

        byte[] toSid = udp6Packet(HOST0, SID, 64, 8);
        p0.inject(fromHost0(Packets.ETH_IPV6, toSid));
        byte[] toService = toSid.clone();
        toService[7] = 63;
        assertFrame("to the service", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, toService), poll(p1));

        String elsewhere = "2001:db8:77::1"; // no route: only the claim can place it
        byte[] back = udp6Packet(HOST1, elsewhere, 64, 8);
        p1.inject(fromHost1(Packets.ETH_IPV6, back));
        byte[] returned = back.clone();
        returned[7] = 63;
        assertFrame("returned through processReturn", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6, returned),
                poll(p0));

        // the service still reaches the appliance itself
        p1.inject(fromHost1(Packets.ETH_IPV6, echoRequest6(HOST1, P1_ADDR, 64, 0x2222, 1, 8)));
        assertEquals("echo reply to the service", 129, poll(p1)[14 + 40] & 0xff);

        dp.behaviors().removeProvider(7);
        p1.inject(fromHost1(Packets.ETH_IPV6, back));
        assertEquals("unclaimed: Destination Unreachable", 1, poll(p1)[14 + 40] & 0xff);
        assertNothingSent(p0, 100);
    }
}
