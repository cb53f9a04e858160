package org.srv6.appliance.behavior.endbm.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndBmContractTest extends BehaviorContractTest {
    public EndBmContractTest() {
        super(EndBmBehavior::new,
                List.of("mpls 100 nh6 fc00::2", "mpls 100/200/300 nh6 fc00::2 oif p1", "mpls 16 nh4 10.0.0.2",
                        "mpls 0/1048575 nh4 10.0.0.2 oif p1", "mpls 100 nh6 fc00::2 count"),
                List.of(EndBmInstanceTest.packet(2).bytes(), EndBmInstanceTest.packet(1).bytes(),
                        EndBmInstanceTest.packet(0).bytes()));
    }
}
