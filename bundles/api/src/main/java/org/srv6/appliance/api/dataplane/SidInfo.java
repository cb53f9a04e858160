package org.srv6.appliance.api.dataplane;

/**
 * One SID of the SID table.
 *
 * @param sid          {@code fc00::1/128}
 * @param table        table id
 * @param keyword      behavior keyword
 * @param params       canonical parameter text
 * @param active       false while the behavior bundle or a port it names is absent
 * @param packets      packets processed (for a proxy: on their way to the service)
 * @param bytes        bytes processed (for a proxy: on their way to the service)
 * @param drops        packets dropped by the behavior or for its absence (for a proxy: on the way to the service)
 * @param proxy        true when the SID's instance takes back what its service returns (it claims a port)
 * @param fromPackets  packets that came back from the service (proxies only, else 0)
 * @param fromBytes    bytes that came back from the service
 * @param fromDrops    packets from the service that the instance refused or could not send on
 * @param status       a short state: the instance's own ({@code BehaviorInstance.status}), or why the SID
 *                     is inactive when a port it names is absent or claimed; null when there is nothing to say
 */
public record SidInfo(String sid, int table, String keyword, String params, boolean active,
        long packets, long bytes, long drops, boolean proxy, long fromPackets, long fromBytes, long fromDrops,
        String status) {

    /** A SID that claims no port and has no status. */
    public SidInfo(String sid, int table, String keyword, String params, boolean active, long packets, long bytes,
            long drops) {
        this(sid, table, keyword, params, active, packets, bytes, drops, false, 0, 0, 0, null);
    }
}
