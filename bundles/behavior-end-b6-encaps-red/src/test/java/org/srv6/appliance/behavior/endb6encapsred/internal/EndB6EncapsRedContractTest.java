package org.srv6.appliance.behavior.endb6encapsred.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndB6EncapsRedContractTest extends BehaviorContractTest {
    public EndB6EncapsRedContractTest() {
        super(EndB6EncapsRedBehavior::new,
                List.of("srh segs fc00::11,fc00::12", "srh segs fc00::11", "srh segs fc00::11,fc00::12 hmac 7",
                        "srh segs fc00::11 count"),
                List.of(EndB6EncapsRedInstanceTest.received().bytes()));
    }

    @Override
    protected BehaviorContext context() {
        return EndB6EncapsRedInstanceTest.context();
    }
}
