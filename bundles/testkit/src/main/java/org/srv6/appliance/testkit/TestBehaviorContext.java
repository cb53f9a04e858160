package org.srv6.appliance.testkit;

import java.util.HashMap;
import java.util.Map;

import org.srv6.appliance.api.behavior.BehaviorContext;

/**
 * The surroundings a behavior's factory sees, set by the test: SID {@code ::/128} in table 254 on
 * port 0, one more port {@code p1} (index 1), tunnel source {@code ::}, no HMAC keys, unless
 * changed with the setters.
 */
public final class TestBehaviorContext implements BehaviorContext {
    private byte[] prefix = new byte[16];
    private int prefixLength = 128;
    private int table = 254;
    private int devPort;
    private final Map<String, Integer> ports = new HashMap<>(Map.of("p1", 1));
    private byte[] tunnelSource = new byte[16];
    private final Map<Integer, HmacKey> keys = new HashMap<>();

    /** The prefix the instance is bound to, e.g. {@code ("fc00::100", 128)} or {@code ("10.0.0.0", 24)}. */
    public TestBehaviorContext prefix(String address, int length) {
        this.prefix = Packets.ip(address);
        this.prefixLength = length;
        return this;
    }

    public TestBehaviorContext table(int id) {
        this.table = id;
        return this;
    }

    /** The route's {@code dev} port index. */
    public TestBehaviorContext devPort(int index) {
        this.devPort = index;
        return this;
    }

    /** Adds (or renumbers) a port name. */
    public TestBehaviorContext port(String name, int index) {
        ports.put(name, index);
        return this;
    }

    /** What {@link #tunnelSource(int)} answers for every port. */
    public TestBehaviorContext tunnelSource(String address) {
        this.tunnelSource = Packets.ip6(address);
        return this;
    }

    /** An {@code ip sr hmac set} key. */
    public TestBehaviorContext hmacKey(int id, String algorithm, byte[] secret) {
        keys.put(id, new HmacKey(id, algorithm, secret.clone()));
        return this;
    }

    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    @Override
    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public int table() {
        return table;
    }

    @Override
    public int devPort() {
        return devPort;
    }

    @Override
    public int portIndex(String name) {
        return ports.getOrDefault(name, -1);
    }

    @Override
    public byte[] tunnelSource(int port) {
        return tunnelSource.clone();
    }

    @Override
    public HmacKey hmacKey(int keyId) {
        return keys.get(keyId);
    }
}
