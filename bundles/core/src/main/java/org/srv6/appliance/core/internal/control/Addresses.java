package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.srv6.appliance.api.dataplane.AddressInfo;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.packet.InetAddrs;

/**
 * Owns the ports' addresses ({@code ip addr}): one address appears on one port only, and every
 * change re-creates the behavior instances (they precompute their source addresses).
 */
public final class Addresses implements AddressService {
    private final ControlState state;
    private final BehaviorRegistry registry;

    public Addresses(ControlState state, BehaviorRegistry registry) {
        this.state = state;
        this.registry = registry;
    }

    @Override
    public void add(String port, String cidr) throws DataplaneException {
        add(port, cidr, null);
    }

    @Override
    public void add(String port, String cidr, String proto) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            Prefixes.Addr a = Prefixes.parseCidr(cidr, 128, 32);
            for (PortCfg q : state.ports.values()) {
                for (Prefixes.Addr x : q.addrs) {
                    if (Arrays.equals(x.bytes(), a.bytes())) {
                        throw new DataplaneException(a.text() + " exists on " + q.name());
                    }
                }
            }
            p.addrs.add(a);
            if (proto != null) {
                p.learnt.add(a.text());
            }
            registry.recreateAll();
            state.changed();
        }
    }

    @Override
    public void delete(String port, String cidr) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            Prefixes.Addr a = Prefixes.parseCidr(cidr, 128, 32);
            p.learnt.remove(a.text());
            if (!p.addrs.removeIf(x -> Arrays.equals(x.bytes(), a.bytes()))) {
                throw new DataplaneException("no address " + a.text() + " on " + port + "; addresses: "
                        + p.addrs.stream().map(Prefixes.Addr::text).toList());
            }
            registry.recreateAll();
            state.changed();
        }
    }

    @Override
    public List<AddressInfo> list() {
        synchronized (state.lock) {
            List<AddressInfo> out = new ArrayList<>();
            for (PortCfg p : state.ports.values()) {
                for (Prefixes.Addr a : p.addrs) {
                    out.add(new AddressInfo(p.name(), a.family(), a.text()));
                }
                out.add(new AddressInfo(p.name(), 6, InetAddrs.format6(Prefixes.linkLocal(p.io.mac())) + "/64"));
            }
            return out;
        }
    }

    /** The running configuration's {@code ip addr add} lines of the TAP ports. */
    void runningLines(Consumer<String> out) {
        for (PortCfg p : state.ports.values()) {
            if (p.persistent()) {
                for (Prefixes.Addr a : p.addrs) {
                    if (p.learnt.contains(a.text())) {
                        continue; // the control plane's: it puts it back
                    }
                    out.accept("ip -" + a.family() + " addr add " + a.text() + " dev " + p.name());
                }
            }
        }
    }
}
