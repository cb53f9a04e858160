package org.srv6.appliance.behavior.enddx2.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndDx2ContractTest extends BehaviorContractTest {
    public EndDx2ContractTest() {
        super(EndDx2Behavior::new,
                List.of("oif p1"),
                List.of(EndDx2InstanceTest.packet(EndDx2InstanceTest.innerFrame()).bytes(),
                        EndDx2InstanceTest.packet(EndDx2InstanceTest.vlanTagged()).bytes(),
                        EndDx2InstanceTest.packet(EndDx2InstanceTest.arpBroadcast()).bytes()));
    }
}
