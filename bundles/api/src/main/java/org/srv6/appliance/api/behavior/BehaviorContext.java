package org.srv6.appliance.api.behavior;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the core tells a behavior's factory about its surroundings. The core re-creates
 * instances when these facts change (a port renamed, {@code ip sr tunsrc} set, addresses).
 */
@ProviderType
public interface BehaviorContext {

    /** @return the prefix (SID or steering destination) the instance is bound to, 16 or 4 bytes */
    byte[] prefix();

    /** @return the prefix length in bits */
    int prefixLength();

    /** @return the table the route lives in */
    int table();

    /** @return the index of the port named {@code dev} on the route, or -1 */
    int devPort();

    /** @return the port index of a port name, or -1 when there is no such port */
    int portIndex(String name);

    /**
     * @return the source of headers this node pushes: route {@code tunsrc} is the behavior's
     * own; else {@code ip sr tunsrc}; else the first global address of {@code port}; else ::
     */
    byte[] tunnelSource(int port);

    /** @return the HMAC secret and algorithm for a key id, or null when not set */
    HmacKey hmacKey(int keyId);

    /** An HMAC key of {@code ip sr hmac set}. */
    record HmacKey(int id, String algorithm, byte[] secret) {
    }
}
