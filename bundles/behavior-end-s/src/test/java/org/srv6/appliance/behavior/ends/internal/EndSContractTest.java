package org.srv6.appliance.behavior.ends.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndSContractTest extends BehaviorContractTest {
    public EndSContractTest() {
        super(EndSBehavior::new,
                List.of("table 100", "table 254", "table 100 count"),
                List.of(EndSInstanceTest.packet(2).bytes(), EndSInstanceTest.packet(1).bytes(),
                        EndSInstanceTest.packet(0).bytes()));
    }
}
