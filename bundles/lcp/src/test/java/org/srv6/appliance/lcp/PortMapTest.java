package org.srv6.appliance.lcp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.MirrorInfo;

public class PortMapTest {
    private final Set<String> ports = Set.of("r1", "r2", "r3");

    @Test
    public void aMirrorsNameStandsForItsPortAndHidesThePortsOwnName() {
        PortMap m = new PortMap(ports::contains,
                () -> List.of(new MirrorInfo("r2", "cp", "eth2", 0, 0), new MirrorInfo("r3", "cp", "r3", 0, 0)));
        assertEquals("r2", m.port("eth2"));
        assertNull("r2 is mirrored as eth2: an interface named r2 is something else", m.port("r2"));
        assertEquals("r3", m.port("r3"));
        assertEquals("no mirror: by name", "r1", m.port("r1"));
        assertNull(m.port("eth9"));
        assertNull(m.port(null));
    }

    @Test
    public void withoutMirrorsByName() {
        PortMap m = new PortMap(ports::contains);
        assertEquals("r1", m.port("r1"));
        assertNull(m.port("lo"));
    }

    @Test
    public void mirrorsAreAskedForOnceUntilInvalidated() {
        int[] asked = {0};
        List<MirrorInfo>[] now = new List[] {List.of()};
        PortMap m = new PortMap(ports::contains, () -> {
            asked[0]++;
            return now[0];
        });
        assertEquals("r2", m.port("r2"));
        now[0] = List.of(new MirrorInfo("r2", "cp", "eth2", 0, 0));
        for (int i = 0; i < 1000; i++) {
            assertEquals("the mirrors as first asked for", "r2", m.port("r2"));
        }
        assertEquals(1, asked[0]);
        m.invalidate();
        assertNull("r2 is now mirrored as eth2", m.port("r2"));
        assertEquals("r2", m.port("eth2"));
        assertEquals(2, asked[0]);
    }
}
