package org.srv6.appliance.behavior.tencapsl2red.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class TEncapsL2RedContractTest extends BehaviorContractTest {
    public TEncapsL2RedContractTest() {
        super(TEncapsL2RedBehavior::new,
                List.of("segs fc00::11,fc00::12", "segs fc00::11", "segs fc00::11,fc00::12 tunsrc fc00::aa",
                        "mode l2encap.red segs fc00::11 count"),
                List.of(TEncapsL2RedInstanceTest.inner6().bytes()));
    }
}
