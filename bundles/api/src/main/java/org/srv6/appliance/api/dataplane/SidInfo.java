package org.srv6.appliance.api.dataplane;

/**
 * One SID of the SID table.
 *
 * @param sid      {@code fc00::1/128}
 * @param table    table id
 * @param keyword  behavior keyword
 * @param params   canonical parameter text
 * @param active   false while the behavior bundle is absent
 * @param packets  packets processed
 * @param bytes    bytes processed
 * @param drops    packets dropped by the behavior or for its absence
 */
public record SidInfo(String sid, int table, String keyword, String params, boolean active,
        long packets, long bytes, long drops) {
}
