package org.srv6.appliance.api.dataplane;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** SRv6 state beyond routes: behaviors, SIDs, {@code ip sr tunsrc}, HMAC keys, port steering. */
@ProviderType
public interface SrService {

    List<BehaviorInfo> behaviors();

    /**
     * @return the seg6local actions and seg6 modes a behavior bundle provides now: what
     *         {@link #behaviors()} lists, without looking at the SIDs (cheap enough to ask per route)
     */
    default java.util.Set<String> keywords() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (BehaviorInfo b : behaviors()) {
            out.add(b.keyword());
        }
        return out;
    }

    List<SidInfo> sids();

    /** {@code ip sr tunsrc set A}; "::" clears. */
    void setTunnelSource(String address) throws DataplaneException;

    /** @return the tunnel source text, "::" when unset */
    String tunnelSource();

    /** {@code ip sr hmac set KEYID ALGO SECRET}; an empty secret removes the key. */
    void setHmacKey(int keyId, String algorithm, String secret) throws DataplaneException;

    /** @return key id → algorithm (secrets are not shown) */
    Map<Integer, String> hmacKeys();

    /** {@code ip sr hmac policy PORT -1|0|1}. */
    void setHmacPolicy(String port, int policy) throws DataplaneException;

    /** {@code ip sr steer add iif PORT mode MODE [tunsrc A] segs S1,...}: params are the tokens after the mode. */
    void addSteer(String port, String mode, List<String> params) throws DataplaneException;

    void deleteSteer(String port) throws DataplaneException;

    /** @return one pasteable line per steering entry, e.g. {@code iif p0 mode l2encap segs fc00::1} */
    List<String> steers();

    /** @return each steered port with its counters ({@code ip -s sr steer show}), in port order */
    default List<SteerInfo> steering() {
        return List.of();
    }
}
