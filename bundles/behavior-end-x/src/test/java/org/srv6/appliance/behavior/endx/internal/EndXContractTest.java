package org.srv6.appliance.behavior.endx.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.Packets;

public class EndXContractTest extends BehaviorContractTest {
    public EndXContractTest() {
        super(EndXBehavior::new,
                List.of("nh6 fc00::2 oif p1", "nh6 fc00::2", "nh6 fc00::2 flavors psp,usd", "oif p1 nh6 fe80::1 count",
                        "nh6 fc00::2 flavors next-csid", "nh6 fc00::2 oif p1 flavors psp,next-csid lblen 48 nflen 32"),
                List.of(EndXInstanceTest.packet().bytes(), Packets.ipv6("fc00::1", "fc00::11").srh(0, "fc00::11")
                        .icmpEchoRequest(1, 1, Packets.fill(8, 0)).bytes(),
                        Packets.ipv6("fc00::1", "fc00::11").srh(0, "fc00::11")
                                .ipv4(Packets.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2, Packets.fill(8, 0))).bytes(),
                        Packets.ipv6("fc00::1", "fc00:0:100:200::").udp(1, 2, Packets.fill(8, 0)).bytes()));
    }
}
