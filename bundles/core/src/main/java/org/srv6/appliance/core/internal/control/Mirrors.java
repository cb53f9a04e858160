package org.srv6.appliance.core.internal.control;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MirrorInfo;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.Mirror;
import org.srv6.appliance.core.internal.io.Namespaces;
import org.srv6.appliance.core.internal.io.TapPort;
import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * Owns the ports' mirrors in Linux control namespaces ({@code srv6:lcp}): a persistent TAP in the
 * namespace (made when missing, like {@code ip netns add}) with the port's MAC and MTU, attached
 * to the port ({@link Mirror}); their lines of the running configuration, after the ports. A
 * mirror goes with its port.
 */
public final class Mirrors implements MirrorService {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");

    /** Default of {@code srv6.lcp.punt.rate}: frames per second each mirror is handed at most. */
    public static final int PUNT_RATE = 10_000;

    private final ControlState state;
    private volatile int puntRate = PUNT_RATE;

    public Mirrors(ControlState state) {
        this.state = state;
    }

    /**
     * Frames per second punted to each mirror at most ({@code srv6.lcp.punt.rate}; negative: no
     * limit), for mirrors made from now on and those there already.
     */
    public void puntRate(int perSecond) {
        synchronized (state.lock) {
            puntRate = perSecond;
            for (PortCfg p : state.ports.values()) {
                Mirror m = p.io.mirror;
                if (m != null) {
                    m.limit.rate(perSecond);
                }
            }
        }
    }

    public int puntRate() {
        return puntRate;
    }

    @Override
    public MirrorInfo add(String port, String netns, String ifname) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = checkNew(port, netns, ifname);
            String dev = ifname == null ? port : ifname;
            boolean made = !Namespaces.exists(netns);
            try {
                Namespaces.create(netns);
            } catch (IOException | RuntimeException e) {
                throw new DataplaneException("cannot create network namespace " + netns + ": " + e.getMessage());
            }
            TapPort tap;
            try {
                tap = state.rt.openMirrorTap(port, netns, dev, p.io.mac(), p.io.mtu());
            } catch (IOException | RuntimeException e) {
                if (made) {
                    try {
                        Namespaces.delete(netns); // a refused command leaves nothing behind
                    } catch (IOException ignored) {
                        // the namespace stays, empty
                    }
                }
                throw new DataplaneException("cannot create the mirror " + dev + " in network namespace " + netns
                        + ": " + e.getMessage());
            }
            return attach(p, new Mirror(p.io, tap, netns, dev, puntRate));
        }
    }

    /** Mirrors {@code port} to a device the caller made (a memory port in tests), without a namespace. */
    public MirrorInfo attach(String port, IoPort device, String netns, String ifname) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = checkNew(port, netns, ifname);
            return attach(p, new Mirror(p.io, device, netns, ifname == null ? port : ifname, puntRate));
        }
    }

    private MirrorInfo attach(PortCfg p, Mirror m) {
        m.attach();
        state.changed();
        return info(m);
    }

    private PortCfg checkNew(String port, String netns, String ifname) throws DataplaneException {
        PortCfg p = state.port(port);
        Mirror old = p.io.mirror;
        if (old != null) {
            throw new DataplaneException("port " + port + " is mirrored already (as " + old.ifname + " in " + old.netns
                    + "); srv6:lcp del " + port + " first");
        }
        if (netns == null || netns.isEmpty()) {
            throw new DataplaneException("no network namespace given; expected netns NS or the property srv6.lcp.netns");
        }
        String dev = ifname == null ? port : ifname;
        if (!IFNAME.matcher(dev).matches()) {
            throw new DataplaneException("bad interface name '" + dev + "'; expected 1-15 letters, digits, . _ - :");
        }
        for (PortCfg q : state.ports.values()) {
            Mirror m = q.io.mirror;
            if (m != null && m.netns.equals(netns) && m.ifname.equals(dev)) {
                throw new DataplaneException("interface " + dev + " in " + netns + " mirrors port " + q.name()
                        + " already; expected another name IFNAME");
            }
        }
        return p;
    }

    @Override
    public void delete(String port) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            Mirror m = p.io.mirror;
            if (m == null) {
                throw new DataplaneException("port " + port + " is not mirrored");
            }
            remove(m);
            state.changed();
        }
    }

    /** Detaches a mirror and removes its netdev (its port is deleted, or {@code srv6:lcp del}). */
    static void remove(Mirror m) {
        m.detach();
        if (m.tap instanceof TapPort t) {
            t.destroy();
        } else {
            m.tap.close();
        }
    }

    /** The port's MAC or MTU changed: its mirror's netdev takes them too. */
    static void linkSettings(IoPort io) {
        Mirror m = io.mirror;
        if (m != null && m.tap instanceof TapPort t) {
            try {
                t.linkSettings(io.mac(), io.mtu());
            } catch (IOException e) {
                CoreLog.warn("cannot give the mirror " + m.ifname + " in " + m.netns + " the MAC and MTU of port "
                        + io.name() + ": " + e.getMessage());
            }
        } else if (m != null) {
            m.tap.mac(io.mac());
            m.tap.mtu(io.mtu());
        }
    }

    @Override
    public List<MirrorInfo> list() {
        synchronized (state.lock) {
            List<MirrorInfo> out = new ArrayList<>();
            List<PortCfg> ports = new ArrayList<>(state.ports.values());
            ports.sort(Comparator.comparingInt(PortCfg::index));
            for (PortCfg p : ports) {
                Mirror m = p.io.mirror;
                if (m != null) {
                    out.add(info(m));
                }
            }
            return out;
        }
    }

    @Override
    public MirrorInfo get(String port) {
        synchronized (state.lock) {
            PortCfg p = state.ports.get(port);
            Mirror m = p == null ? null : p.io.mirror;
            return m == null ? null : info(m);
        }
    }

    private static MirrorInfo info(Mirror m) {
        return new MirrorInfo(m.port.name(), m.netns, m.ifname, m.punted.sum(), m.injected.sum(), m.policed.sum());
    }

    /** The running configuration's {@code srv6:lcp add} lines, namespace and name spelled out. */
    void runningLines(Consumer<String> out) {
        for (PortCfg p : state.ports.values()) {
            Mirror m = p.io.mirror;
            if (m != null && p.persistent()) {
                out.accept("srv6:lcp add " + p.name() + " netns " + m.netns + " name " + m.ifname);
            }
        }
    }
}
