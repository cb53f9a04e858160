package org.srv6.appliance.api.dataplane;

/** Per-port counters, summed over event loops at read time. */
public record PortCounters(String port, long rxPackets, long rxBytes, long txPackets, long txBytes,
        long rxDropped, long txDropped) {
}
