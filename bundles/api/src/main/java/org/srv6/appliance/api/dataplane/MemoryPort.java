package org.srv6.appliance.api.dataplane;

import org.osgi.annotation.versioning.ProviderType;

/** A port without a device: frames are injected by a caller and what the appliance sends is queued. */
@ProviderType
public interface MemoryPort {

    /** @return the port's name */
    String name();

    /** Hands one Ethernet frame to the appliance as if received on this port (copied). */
    void inject(byte[] frame);

    /**
     * @param timeoutMillis how long to wait for a frame
     * @return the next frame the appliance sent on this port, or null after the timeout
     */
    byte[] poll(long timeoutMillis) throws InterruptedException;

    /** @return frames sent and not yet polled */
    int pending();
}
