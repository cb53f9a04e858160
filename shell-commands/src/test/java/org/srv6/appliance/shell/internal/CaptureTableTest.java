package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.CaptureInfo;

/** {@code srv6:capture list}: one row per running capture, the file and the filter last. */
public class CaptureTableTest {

    @Test
    public void rowsShowFramesDroppedCountRunningTimeFileAndFilter() {
        long now = 10_000_000L;
        String out = ShellCommands.captureTable(List.of(
                new CaptureInfo("r0", "/tmp/r0.pcap", 12, 3, 100, "sid fc00:e::1 and proto icmp6", now - 3_725_400L, true),
                new CaptureInfo("r1", "-", 0, 0, 0, "", now - 999L, true)), now);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size());
        assertEquals(List.of("PORT", "FRAMES", "DROPPED", "COUNT", "TIME", "FILE", "FILTER"),
                List.of(lines.get(0).trim().split(" +")));
        assertEquals(List.of("r0", "12", "3", "100", "1:02:05", "/tmp/r0.pcap", "sid", "fc00:e::1", "and", "proto", "icmp6"),
                List.of(lines.get(1).trim().split(" +")));
        assertEquals(List.of("r1", "0", "0", "-", "0:00:00", "-", "-"), List.of(lines.get(2).trim().split(" +")));
    }

    @Test
    public void noCaptureIsTheHeaderAlone() {
        assertEquals(1, ShellCommands.captureTable(List.of(), 0).lines().count());
    }
}
