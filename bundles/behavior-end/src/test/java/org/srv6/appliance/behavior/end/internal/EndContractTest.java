package org.srv6.appliance.behavior.end.internal;

import static org.srv6.appliance.behavior.end.internal.EndInstanceTest.packet;

import java.util.List;

import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.Packets;

public class EndContractTest extends BehaviorContractTest {
    public EndContractTest() {
        super(EndBehavior::new,
                List.of("", "flavors psp", "flavors usp,usd", "flavors psp,usp,usd", "flavors next-csid",
                        "flavors next-csid lblen 48 nflen 16", "count", "flavors usd count"),
                List.of(packet(2).bytes(), packet(1).bytes(), packet(0).bytes(), packet(2, "fc00:0:100:200::").bytes(),
                        Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100").ipv4(EndInstanceTest.inner4(64)).bytes(),
                        Packets.ipv6("fc00::1", "fc00::100").ipv4(EndInstanceTest.inner4(64)).bytes()));
    }
}
