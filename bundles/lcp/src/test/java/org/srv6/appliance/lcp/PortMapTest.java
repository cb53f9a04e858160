package org.srv6.appliance.lcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.srv6.appliance.api.dataplane.MirrorInfo;

class PortMapTest {
    private final Set<String> ports = Set.of("r1", "r2", "r3");

    @Test
    void aMirrorsNameStandsForItsPortAndHidesThePortsOwnName() {
        PortMap m = new PortMap(ports::contains,
                () -> List.of(new MirrorInfo("r2", "cp", "eth2", 0, 0), new MirrorInfo("r3", "cp", "r3", 0, 0)));
        assertEquals("r2", m.port("eth2"));
        assertNull(m.port("r2"), "r2 is mirrored as eth2: an interface named r2 is something else");
        assertEquals("r3", m.port("r3"));
        assertEquals("r1", m.port("r1"), "no mirror: by name");
        assertNull(m.port("eth9"));
        assertNull(m.port(null));
    }

    @Test
    void withoutMirrorsByName() {
        PortMap m = new PortMap(ports::contains);
        assertEquals("r1", m.port("r1"));
        assertNull(m.port("lo"));
    }
}
