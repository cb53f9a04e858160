package org.srv6.appliance.behavior.enddx6.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.Packets;

public class EndDx6ContractTest extends BehaviorContractTest {
    public EndDx6ContractTest() {
        super(EndDx6Behavior::new,
                List.of("nh6 fc00::2", "nh6 fc00::2 oif p1", "oif p1 nh6 fe80::1"),
                List.of(EndDx6InstanceTest.packet().bytes(),
                        Packets.ipv6("fc00::1", "fc00::d6").ipv6(EndDx6InstanceTest.inner()).bytes(),
                        Packets.ipv6("fc00::1", "fc00::d6").srh(1, "fc00::d6", "fc00::e")
                                .ipv6(EndDx6InstanceTest.inner()).bytes()));
    }
}
