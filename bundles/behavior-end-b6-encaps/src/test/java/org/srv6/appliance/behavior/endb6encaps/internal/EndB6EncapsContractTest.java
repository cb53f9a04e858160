package org.srv6.appliance.behavior.endb6encaps.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndB6EncapsContractTest extends BehaviorContractTest {
    public EndB6EncapsContractTest() {
        super(EndB6EncapsBehavior::new,
                List.of("srh segs fc00::11,fc00::12", "srh segs fc00::11", "srh segs fc00::11,fc00::12 hmac 7",
                        "srh segs fc00::11 count"),
                List.of(EndB6EncapsInstanceTest.received().bytes()));
    }

    @Override
    protected BehaviorContext context() {
        return EndB6EncapsInstanceTest.context();
    }
}
