package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborInfo;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.core.internal.engine.Neighbor;

/**
 * Owns the operator's view of the neighbor table ({@code ip neigh}): static entries (kept as their
 * configuration lines), the static entries a control plane owns (the netlink follower's: shown with
 * their {@code proto}, never saved, never replacing or removing a typed one), deletion and flushing.
 * Learning, aging and retries belong to the engine.
 */
public final class Neighbors implements NeighborService {
    private final ControlState state;
    /** "ADDRESS dev PORT" → its {@code ip neigh add} line. */
    private final Map<String, String> staticNeighbors = new LinkedHashMap<>();
    /** "ADDRESS dev PORT" → the control plane ({@code proto}) that owns it: never in the running configuration. */
    private final Map<String, String> owned = new java.util.HashMap<>();

    public Neighbors(ControlState state) {
        this.state = state;
    }

    @Override
    public void add(String address, String mac, String port) throws DataplaneException {
        add(address, mac, port, null);
    }

    @Override
    public void add(String address, String mac, String port, String proto) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            Prefixes.Addr a = Prefixes.parseCidr(address, 128, 32);
            long m;
            try {
                m = Ethernet.macToLong(InetAddrs.parseMac(mac));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new DataplaneException("bad lladdr '" + mac + "'; expected xx:xx:xx:xx:xx:xx");
            }
            long hi = a.family() == 6 ? a.hi() : Neighbor.V4;
            long lo = a.family() == 6 ? a.lo() : a.v4() & 0xffff_ffffL;
            String addrText = a.host();
            String key = addrText + " dev " + port;
            if (proto != null && staticNeighbors.containsKey(key)) {
                throw new DataplaneException("neighbor typed in the shell; " + addrText + " on " + port
                        + " stays as typed");
            }
            if (!state.engine.setStatic(p.index(), hi, lo, m)) {
                throw new DataplaneException("neighbor table full (gc_thresh3 entries, none evictable); "
                        + "raise srv6.neigh.gc_thresh3 or flush entries");
            }
            if (proto != null) {
                owned.put(key, proto); // the running configuration is unchanged: nothing to save
                return;
            }
            owned.remove(key); // typed over a control plane's entry: the operator's from now on
            staticNeighbors.put(key, "ip -" + a.family() + " neigh add " + addrText + " lladdr "
                    + Prefixes.mac(m) + " dev " + port);
            state.changed();
        }
    }

    @Override
    public void delete(String address, String port) throws DataplaneException {
        delete(address, port, null);
    }

    /** With {@code proto} non-null only the entry that control plane added goes (the configuration is unchanged). */
    @Override
    public void delete(String address, String port, String proto) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            Prefixes.Addr a = Prefixes.parseCidr(address, 128, 32);
            String key = a.host() + " dev " + port;
            if (proto != null && !proto.equals(owned.get(key))) {
                throw new DataplaneException("neighbor not added by " + proto + "; " + a.host() + " on " + port
                        + " stays");
            }
            long hi = a.family() == 6 ? a.hi() : Neighbor.V4;
            long lo = a.family() == 6 ? a.lo() : a.v4() & 0xffff_ffffL;
            int idx = p.index();
            List<Neighbor> gone = state.neighbors.removeIf(n -> n.port == idx && n.hi == hi && n.lo == lo);
            if (gone.isEmpty()) {
                if (proto != null) {
                    owned.remove(key);
                }
                throw new DataplaneException("no neighbor " + address + " on " + port);
            }
            state.engine.discard(gone);
            if (owned.remove(key) != null && proto != null) {
                return; // the running configuration never had it
            }
            staticNeighbors.remove(key);
            state.changed();
        }
    }

    @Override
    public void flush(String port) throws DataplaneException {
        synchronized (state.lock) {
            int idx = port == null ? -1 : state.port(port).index();
            state.engine.discard(state.neighbors.removeIf(
                    n -> (idx < 0 || n.port == idx) && n.state != Neighbor.PERMANENT));
        }
    }

    @Override
    public List<NeighborInfo> list(int family) {
        synchronized (state.lock) {
            List<NeighborInfo> out = new ArrayList<>();
            for (Neighbor n : state.neighbors.all()) {
                if ((family == 4 && !n.isV4()) || (family == 6 && n.isV4())) {
                    continue;
                }
                PortCfg p = state.portByIndex(n.port);
                String addr;
                if (n.isV4()) {
                    addr = InetAddrs.format4((int) n.lo);
                } else {
                    byte[] b = new byte[16];
                    Prefixes.writeLong(b, 0, n.hi);
                    Prefixes.writeLong(b, 8, n.lo);
                    addr = InetAddrs.format6(b);
                }
                long m = n.mac;
                String name = p == null ? "?" : p.name();
                out.add(new NeighborInfo(addr, name, m < 0 ? null : Prefixes.mac(m), n.stateName(),
                        n.state == Neighbor.PERMANENT ? owned.get(addr + " dev " + name) : null));
            }
            out.sort(Comparator.comparing(NeighborInfo::port).thenComparing(NeighborInfo::address));
            return out;
        }
    }

    /** The port goes away: its static entries leave the configuration (the engine forgets the entries). */
    void forgetStatic(String port) {
        staticNeighbors.keySet().removeIf(k -> k.endsWith(" dev " + port));
        owned.keySet().removeIf(k -> k.endsWith(" dev " + port));
    }

    /** The running configuration's {@code ip neigh add} lines on TAP ports. */
    void runningLines(Consumer<String> out) {
        for (Map.Entry<String, String> e : staticNeighbors.entrySet()) {
            String port = e.getKey().substring(e.getKey().indexOf(" dev ") + 5);
            PortCfg p = state.ports.get(port);
            if (p != null && p.persistent()) {
                out.accept(e.getValue());
            }
        }
    }
}
