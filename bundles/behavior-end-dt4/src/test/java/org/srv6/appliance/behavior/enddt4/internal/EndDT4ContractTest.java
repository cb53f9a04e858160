package org.srv6.appliance.behavior.enddt4.internal;

import static org.srv6.appliance.testkit.DecapToTableTest.inner4;
import static org.srv6.appliance.testkit.DecapToTableTest.inner6;
import static org.srv6.appliance.testkit.DecapToTableTest.outer;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndDT4ContractTest extends BehaviorContractTest {
    public EndDT4ContractTest() {
        super(EndDT4Behavior::new, List.of("table 100", "vrftable 100", "table 255", "table 100 count"),
                List.of(outer(0, inner4()).bytes(), outer(1, inner4()).bytes(), outer(0, inner6()).bytes(), outer(0, inner4()).bytes()));
    }
}
