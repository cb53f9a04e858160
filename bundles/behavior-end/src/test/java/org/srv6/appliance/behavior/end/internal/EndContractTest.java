package org.srv6.appliance.behavior.end.internal;

import java.util.List;

import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndContractTest extends BehaviorContractTest {
    @Override
    protected Behavior behavior() {
        return new EndBehavior();
    }

    @Override
    protected List<String> validConfigurations() {
        return List.of("", "flavors psp", "flavors usp,usd", "flavors psp,usp,usd", "flavors next-csid",
                "flavors next-csid lblen 48 nflen 16", "count", "flavors usd count");
    }

    @Override
    protected List<byte[]> packets() {
        return List.of(EndInstanceTest.packet(2).bytes(), EndInstanceTest.packet(1).bytes(),
                EndInstanceTest.packet(0).bytes(), EndInstanceTest.packet(2, "fc00:0:100:200::").bytes());
    }
}
