package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.SidInfo;

/** {@code srv6:sids}: each SID's table and the table its behavior looks up in. */
public class SidTableTest {

    @Test
    public void sidsShowTheirTableAndTheTableTheyLookUpIn() {
        String out = ShellCommands.sidTable(List.of(
                new SidInfo("fc00::1/128", 254, "End", "", true, 1, 100, 0),
                new SidInfo("fc00::2/128", 100, "End.T", "table 200 flavors psp", true, 0, 0, 0),
                new SidInfo("fc00::3/128", 254, "End.DT6", "vrftable local", false, 0, 0, 2)));
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size());
        assertEquals(List.of("SID", "BEHAVIOR", "STATE", "TABLE", "LOOKUP", "PACKETS", "BYTES", "DROPS"),
                List.of(lines.get(0).trim().split(" +")));
        assertEquals(List.of("fc00::1/128", "End", "active", "main", "-", "1", "100", "0"),
                List.of(lines.get(1).trim().split(" +")));
        assertEquals(List.of("fc00::2/128", "End.T", "active", "100", "200", "0", "0", "0"),
                List.of(lines.get(2).trim().split(" +")));
        assertEquals(List.of("fc00::3/128", "End.DT6", "inactive", "main", "local", "0", "0", "2"),
                List.of(lines.get(3).trim().split(" +")));
    }

    @Test
    public void aProxySidShowsBothDirectionsAndItsStatusUnderItsRow() {
        String out = ShellCommands.sidTable(List.of(
                new SidInfo("fc00::1/128", 254, "End", "", true, 1, 100, 0),
                new SidInfo("fc00::a/128", 254, "End.AD", "nh6 2001:db8:5::2 oif s1 iif s2", true, 10, 1000, 1,
                        true, 8, 800, 2, "learnt 3s ago"),
                new SidInfo("fc00::b/128", 254, "End.AS", "nh4 10.0.0.2 oif s3 iif s4 src fc00::b segs fc00::c",
                        false, 4, 400, 4, true, 0, 0, 0, "port s4 (iif) absent"),
                new SidInfo("fc00::c/128", 254, "End.X", "nh6 fc00::2 oif s5", false, 0, 0, 3, false, 0, 0, 0,
                        "port s5 (oif) absent")));
        List<String> lines = out.lines().toList();
        assertEquals(out, 10, lines.size());
        assertEquals("an ordinary SID keeps its one row", List.of("fc00::1/128", "End", "active", "main", "-", "1",
                "100", "0"), List.of(lines.get(1).trim().split(" +")));
        assertEquals("the row counts both directions", List.of("fc00::a/128", "End.AD", "active", "main", "-", "18",
                "1800", "3"), List.of(lines.get(2).trim().split(" +")));
        assertEquals("    to-service packets 10 bytes 1000 errors 1 from-service packets 8 bytes 800 errors 2",
                lines.get(3));
        assertEquals("    learnt 3s ago", lines.get(4));
        assertEquals(List.of("fc00::b/128", "End.AS", "inactive", "main", "-", "4", "400", "4"),
                List.of(lines.get(5).trim().split(" +")));
        assertEquals("    to-service packets 4 bytes 400 errors 4 from-service packets 0 bytes 0 errors 0",
                lines.get(6));
        assertEquals("    port s4 (iif) absent", lines.get(7));
        // End.X inactive for its oif: a status line, no directions
        assertTrue(out, out.endsWith("fc00::c/128                              End.X              inactive main   "
                + "-                 0              0          3\n    port s5 (oif) absent"));
    }
}
