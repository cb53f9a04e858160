package org.srv6.appliance.behavior.endam.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndAmContractTest extends BehaviorContractTest {
    public EndAmContractTest() {
        super(EndAmBehavior::new,
                List.of("nh6 fc00:5e::2 oif p1 iif p2", "nh6 fc00:5e::2 oif p1 iif p1", "nh6 fc00:5e::2 oif p2 iif p1 count"),
                List.of(EndAmInstanceTest.packet(EndAmInstanceTest.AM, 2, 64).bytes(),
                        EndAmInstanceTest.twoSegments(EndAmInstanceTest.LAST, 0, 64).bytes(),
                        EndAmInstanceTest.packet(EndAmInstanceTest.AM, 0, 64).bytes()));
    }

    @Override
    protected BehaviorContext context() {
        return new TestBehaviorContext().port("p2", 2);
    }
}
