package org.srv6.appliance.behavior.tinsert.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.Packets;

public class TInsertContractTest extends BehaviorContractTest {
    public TInsertContractTest() {
        super(TInsertBehavior::new,
                List.of("segs fc00::11,fc00::12", "segs fc00::11", "mode inline segs fc00::11,fc00::12,fc00::13 count"),
                List.of(TInsertInstanceTest.packet().bytes(),
                        Packets.ipv6("fc00::1", "fc00::2").srh(1, "fc00::2", "fc00::3")
                                .icmpEchoRequest(1, 2, Packets.fill(8, 0)).bytes(),
                        Packets.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2, Packets.fill(4, 0)).bytes()));
    }
}
