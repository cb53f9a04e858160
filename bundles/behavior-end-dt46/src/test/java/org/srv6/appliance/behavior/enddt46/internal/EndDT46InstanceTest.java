package org.srv6.appliance.behavior.enddt46.internal;

import org.srv6.appliance.testkit.DecapToTableTest;

/** End.DT46 on the testkit's table-lookup decapsulation tests. */
public class EndDT46InstanceTest extends DecapToTableTest {
    public EndDT46InstanceTest() {
        super(new EndDT46Behavior(), "End.DT46", true, true);
    }
}
