package org.srv6.appliance.behavior.enddt6.internal;

import org.srv6.appliance.testkit.DecapToTableTest;

/** End.DT6 on the testkit's table-lookup decapsulation tests. */
public class EndDT6InstanceTest extends DecapToTableTest {
    public EndDT6InstanceTest() {
        super(new EndDT6Behavior(), "End.DT6", true, false);
    }
}
