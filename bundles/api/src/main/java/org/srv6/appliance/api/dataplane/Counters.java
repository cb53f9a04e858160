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

    /**
     * @return per event loop, the nanoseconds it spent processing bursts of received frames since
     *         the appliance started (measured once per burst); empty when the provider keeps none.
     *         The busy ratio of a loop is the growth of its value over the wall time between two reads.
     */
    default long[] loopBusyNanos() {
        return new long[0];
    }

    /**
     * @return the I/O backend the event loops run on ({@code io_uring} or {@code epoll}); empty
     *         when the provider does not say
     */
    default String ioBackend() {
        return "";
    }

    /** @return total packets the appliance received */
    long rxPackets();

    /** Buffers currently held by the datapath (queued for neighbor resolution, captures); 0 when idle. */
    long buffersHeld();
}
