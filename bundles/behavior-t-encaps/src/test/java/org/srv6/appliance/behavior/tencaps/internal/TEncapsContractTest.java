package org.srv6.appliance.behavior.tencaps.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.testkit.BehaviorContractTest;

public class TEncapsContractTest extends BehaviorContractTest {
    @Override
    protected Behavior behavior() {
        return new TEncapsBehavior();
    }

    @Override
    protected List<String> validConfigurations() {
        return List.of("segs fc00::11,fc00::12", "segs fc00::11", "segs fc00::11,fc00::12 tunsrc fc00::aa",
                "mode encap segs fc00::11 count");
    }

    @Override
    protected List<byte[]> packets() {
        return List.of(TEncapsInstanceTest.inner6().bytes(), TEncapsInstanceTest.inner4().bytes());
    }
}
