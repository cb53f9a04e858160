package org.srv6.appliance.behavior.enddt4.internal;

import org.srv6.appliance.testkit.DecapToTableTest;

/** End.DT4 on the testkit's table-lookup decapsulation tests. */
public class EndDT4InstanceTest extends DecapToTableTest {
    public EndDT4InstanceTest() {
        super(new EndDT4Behavior(), "End.DT4", false, true);
    }
}
