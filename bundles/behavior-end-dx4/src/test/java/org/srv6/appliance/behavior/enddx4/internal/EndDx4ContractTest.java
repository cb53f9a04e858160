package org.srv6.appliance.behavior.enddx4.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.Packets;

public class EndDx4ContractTest extends BehaviorContractTest {
    public EndDx4ContractTest() {
        super(EndDx4Behavior::new,
                List.of("nh4 10.0.2.2", "nh4 10.0.2.2 oif p1", "oif p1 nh4 192.168.1.1"),
                List.of(EndDx4InstanceTest.packet().bytes(),
                        Packets.ipv6("fc00::1", "fc00::d4").ipv4(EndDx4InstanceTest.inner()).bytes(),
                        Packets.ipv6("fc00::1", "fc00::d4").srh(1, "fc00::d4", "fc00::e")
                                .ipv4(EndDx4InstanceTest.inner()).bytes()));
    }
}
