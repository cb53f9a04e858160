package org.srv6.appliance.behavior.tencaps.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class TEncapsContractTest extends BehaviorContractTest {
    public TEncapsContractTest() {
        super(TEncapsBehavior::new,
                List.of("segs fc00::11,fc00::12", "segs fc00::11", "segs fc00::11,fc00::12 tunsrc fc00::aa",
                        "mode encap segs fc00::11 count"),
                List.of(TEncapsInstanceTest.inner6().bytes(), TEncapsInstanceTest.inner4().bytes()));
    }
}
