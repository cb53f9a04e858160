package org.srv6.appliance.behavior.tencapsl2.internal;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class TEncapsL2ContractTest extends BehaviorContractTest {
    public TEncapsL2ContractTest() {
        super(TEncapsL2Behavior::new,
                List.of("segs fc00::11,fc00::12", "segs fc00::11", "segs fc00::11,fc00::12 tunsrc fc00::aa",
                        "mode l2encap segs fc00::11 count"),
                List.of(TEncapsL2InstanceTest.inner6().bytes(), TEncapsL2InstanceTest.inner4().bytes()));
    }
}
