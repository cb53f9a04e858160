package org.srv6.appliance.behavior.endad.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndAdContractTest extends BehaviorContractTest {
    public EndAdContractTest() {
        super(EndAdBehavior::new, List.of("nh6 fc00:a::2 oif p1 iif p2", "nh4 10.9.0.2 oif p1 iif p1"),
                List.of(EndAdInstanceTest.toSid("fc00:9::1", 41, EndAdInstanceTest.udp6(50, 0, 0)),
                        EndAdInstanceTest.toSid("fc00:9::1", 4, EndAdInstanceTest.udp4(50)),
                        EndAdInstanceTest.toSid("fc00:9::1", 143, EndAdInstanceTest.frame()),
                        EndAdInstanceTest.udp6(50, 0, 0), EndAdInstanceTest.udp4(50)));
    }

    @Override
    protected BehaviorContext context() {
        return EndAdInstanceTest.context();
    }
}
