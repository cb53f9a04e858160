package org.srv6.appliance.behavior.endas.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndAsContractTest extends BehaviorContractTest {
    public EndAsContractTest() {
        super(EndAsBehavior::new,
                List.of("nh6 fc00:a::2 oif p1 iif p2 src fc00:4::1 segs fc00:5::1,fc00:6::1",
                        "nh4 10.9.0.2 oif p1 iif p1 src fc00:4::1 segs fc00:5::1"),
                List.of(EndAsInstanceTest.toSid(41, EndAsInstanceTest.udp6(50, 0, 0)),
                        EndAsInstanceTest.toSid(4, EndAsInstanceTest.udp4(50, 0)),
                        EndAsInstanceTest.toSid(143, EndAsInstanceTest.frame()),
                        EndAsInstanceTest.udp6(50, 0, 0), EndAsInstanceTest.udp4(50, 0)));
    }

    @Override
    protected BehaviorContext context() {
        return EndAsInstanceTest.context();
    }
}
