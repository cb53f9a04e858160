package org.srv6.appliance.core.internal.control;

import java.util.HashMap;
import java.util.Map;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.core.internal.engine.Route;

/**
 * Owns what a behavior instance is created with: a copy, taken under the lock, of its route's
 * prefix, table and device, the port names, the source addresses, the tunnel source and the HMAC
 * keys. A change to any of these re-creates the instances, so the copy never goes stale.
 */
final class SidContext implements BehaviorContext {
    private final byte[] prefix;
    private final int prefixLength;
    private final int table;
    private final int dev;
    private final Map<String, Integer> names = new HashMap<>();
    private final Map<Integer, byte[]> sources = new HashMap<>();
    private final byte[] tunsrc;
    private final Map<Integer, HmacKey> keys;

    SidContext(Route r, ControlState state) {
        prefix = new byte[r.family == 6 ? 16 : 4];
        if (r.family == 6) {
            Prefixes.writeLong(prefix, 0, r.hi);
            Prefixes.writeLong(prefix, 8, r.lo);
        } else {
            prefix[0] = (byte) (r.addr4 >>> 24);
            prefix[1] = (byte) (r.addr4 >>> 16);
            prefix[2] = (byte) (r.addr4 >>> 8);
            prefix[3] = (byte) r.addr4;
        }
        prefixLength = r.len;
        table = r.table;
        dev = r.port;
        for (PortCfg p : state.ports.values()) {
            names.put(p.name(), p.index());
            for (Prefixes.Addr a : p.addrs) {
                if (a.family() == 6 && (a.bytes()[0] & 0xff) != 0xfe) {
                    sources.putIfAbsent(p.index(), a.bytes().clone());
                }
            }
        }
        tunsrc = state.tunnelSource.clone();
        keys = new HashMap<>(state.hmacKeys);
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
        return dev;
    }

    @Override
    public int portIndex(String name) {
        Integer i = names.get(name);
        return i == null ? -1 : i;
    }

    @Override
    public byte[] tunnelSource(int port) {
        boolean set = false;
        for (byte x : tunsrc) {
            set |= x != 0;
        }
        if (set) {
            return tunsrc.clone();
        }
        byte[] s = sources.get(port);
        if (s == null && !sources.isEmpty()) {
            s = sources.values().iterator().next();
        }
        return s == null ? new byte[16] : s.clone();
    }

    @Override
    public HmacKey hmacKey(int keyId) {
        return keys.get(keyId);
    }
}
