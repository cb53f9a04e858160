package org.srv6.appliance.api.dataplane;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Global counters. */
@ProviderType
public interface Counters {

    /** @return drop reason label ({@code behavior-absent}, ...) → packets, every reason listed */
    Map<String, Long> drops();

    /**
     * @return the neighbor table's counters ({@code entries}, {@code refused}, {@code evicted},
     *         {@code collected}, ...) in a stable order; empty when the provider keeps none
     */
    default Map<String, Long> neighbors() {
        return Map.of();
    }

    /** @return total packets the appliance received */
    long rxPackets();

    /** Buffers currently held by the datapath (queued for neighbor resolution, captures); 0 when idle. */
    long buffersHeld();
}
