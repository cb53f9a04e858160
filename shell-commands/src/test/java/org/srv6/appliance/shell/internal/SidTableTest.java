package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;

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
}
