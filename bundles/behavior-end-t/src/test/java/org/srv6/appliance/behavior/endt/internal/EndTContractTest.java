package org.srv6.appliance.behavior.endt.internal;

import static org.srv6.appliance.behavior.endt.internal.EndTInstanceTest.packet;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;

public class EndTContractTest extends BehaviorContractTest {
    public EndTContractTest() {
        super(EndTBehavior::new,
                List.of("table 100", "table 100 flavors psp", "table 100 flavors usp,usd", "table 254 flavors psp,usp,usd",
                        "table 100 flavors next-csid", "table 100 flavors next-csid lblen 48 nflen 16", "table 100 count"),
                List.of(packet(2).bytes(), packet(1).bytes(), packet(0).bytes(), packet(2, "fc00:0:100:200::").bytes()));
    }
}
