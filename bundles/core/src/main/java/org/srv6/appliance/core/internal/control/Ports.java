package org.srv6.appliance.core.internal.control;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.function.Consumer;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.dataplane.CaptureInfo;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.MemoryPortImpl;
import org.srv6.appliance.core.internal.io.PacketPort;
import org.srv6.appliance.core.internal.io.TapPort;
import org.srv6.appliance.core.internal.io.pcap.Capture;
import org.srv6.appliance.core.internal.io.pcap.CaptureFilter;

/**
 * Owns the port lifecycle ({@code ip link}): TAP, AF_PACKET, memory and pcap ports, their state, MTU and MAC,
 * the table their input is looked up in, their counters and captures. Deleting a port takes its routes, SIDs, steering and neighbors with it.
 */
public final class Ports implements PortService {
    private static final Pattern PORT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");

    private final ControlState state;
    private final BehaviorRegistry registry;
    private final Neighbors neighbors;

    public Ports(ControlState state, BehaviorRegistry registry, Neighbors neighbors) {
        this.state = state;
        this.registry = registry;
        this.neighbors = neighbors;
    }

    private void checkNewPort(String name) throws DataplaneException {
        if (name == null || !PORT_NAME.matcher(name).matches()) {
            throw new DataplaneException("bad port name '" + name + "'; expected 1-15 letters, digits, . _ - :");
        }
        if (state.ports.containsKey(name)) {
            throw new DataplaneException("port " + name + " exists");
        }
    }

    @Override
    public PortInfo addTap(String name, int queues) throws DataplaneException {
        return addTap(name, queues, null, null);
    }

    @Override
    public PortInfo addTap(String name, int queues, String netns, String ifname) throws DataplaneException {
        synchronized (state.lock) {
            checkNewPort(name);
            if (queues < 0 || queues > 16) {
                throw new DataplaneException("queues " + queues + " out of range; expected 1..16");
            }
            if (ifname != null && !PORT_NAME.matcher(ifname).matches()) {
                throw new DataplaneException("bad interface name '" + ifname + "'; expected 1-15 letters, digits, . _ - :");
            }
            if (ifname != null && netns == null) {
                throw new DataplaneException("name IFNAME goes with netns NS; without a namespace the netdev is named " + name);
            }
            TapPort tap;
            try {
                if (queues == 0) {
                    tap = openTapPerLoop(name, netns, ifname);
                } else {
                    tap = state.rt.openTap(state.freeIndex(), name, queues, netns, ifname);
                }
            } catch (IOException | RuntimeException e) {
                throw new DataplaneException("cannot create TAP device " + (ifname == null ? name : ifname)
                        + (netns == null ? "" : " in network namespace " + netns) + ": " + e.getMessage());
            }
            PortCfg p = new PortCfg(tap, "tap", queues);
            state.ports.put(name, p);
            registry.retryWaiting(); // SIDs that name it (oif, iif) come back
            state.changed();
            return info(p);
        }
    }

    /**
     * No {@code queues N}: one queue per event loop (at most 16), so that every loop reads and
     * sends on the port. A netdev kept in a namespace from a run with another number of loops is
     * attached as it was made: with one queue when it has no IFF_MULTI_QUEUE, with two when it has.
     */
    private TapPort openTapPerLoop(String name, String netns, String ifname) throws IOException {
        int n = Math.min(16, state.rt.loops());
        try {
            return state.rt.openTap(state.freeIndex(), name, n, netns, ifname);
        } catch (IOException e) {
            if (netns == null) {
                throw e;
            }
            try {
                return state.rt.openTap(state.freeIndex(), name, n > 1 ? 1 : 2, netns, ifname);
            } catch (IOException again) {
                throw e;
            }
        }
    }

    /** {@code -Dsrv6.packet.rings=false}: packet ports move frames by plain recv/send (to compare, or where rings fail). */
    private static boolean rings() {
        return !"false".equals(System.getProperty("srv6.packet.rings"));
    }

    @Override
    public PortInfo addPacket(String name, String dev) throws DataplaneException {
        synchronized (state.lock) {
            checkNewPort(name);
            if (dev == null || dev.isEmpty()) {
                throw new DataplaneException("a packet port needs dev IFNAME: the interface to attach to");
            }
            if (!PORT_NAME.matcher(dev).matches()) {
                throw new DataplaneException("bad interface name '" + dev + "'; expected 1-15 letters, digits, . _ - :");
            }
            for (PortCfg q : state.ports.values()) {
                if (q.io instanceof PacketPort pp && pp.dev().equals(dev)) {
                    throw new DataplaneException("interface " + dev + " is attached to port " + q.name()
                            + " already; ip link del " + q.name() + " first");
                }
            }
            PacketPort pp;
            try {
                pp = state.rt.openPacket(state.freeIndex(), name, dev, rings());
            } catch (IOException | RuntimeException e) {
                throw new DataplaneException("cannot attach to interface " + dev + ": " + e.getMessage());
            }
            PortCfg p = new PortCfg(pp, "packet", 1);
            state.ports.put(name, p);
            registry.retryWaiting(); // SIDs that name it (oif, iif) come back
            state.changed();
            return info(p);
        }
    }

    @Override
    public MemoryPort addMemory(String name) throws DataplaneException {
        synchronized (state.lock) {
            checkNewPort(name);
            MemoryPortImpl m = state.rt.openMemory(state.freeIndex(), name);
            state.ports.put(name, new PortCfg(m, "memory", 1));
            registry.retryWaiting(); // SIDs that name it (oif, iif) come back
            state.changed();
            return m;
        }
    }

    @Override
    public PortInfo addPcap(String name, Path in, Path out) throws DataplaneException {
        synchronized (state.lock) {
            checkNewPort(name);
            int index = state.freeIndex();
            PortCfg cfg;
            try {
                cfg = new PortCfg(state.rt.openPcap(index, name, in, out), "pcap", 1);
            } catch (IOException | RuntimeException e) {
                throw new DataplaneException("cannot open pcap port " + name + ": " + e.getMessage());
            }
            state.ports.put(name, cfg);
            registry.retryWaiting(); // SIDs that name it (oif, iif) come back
            state.changed();
            return info(cfg);
        }
    }

    /** {@code ip link del}: like Linux, the port's routes (SIDs included) and neighbors go with it. */
    @Override
    public void delete(String name) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(name);
            int index = p.index();
            List<BehaviorInstance> old = new ArrayList<>();
            state.routes.removeIf(r -> {
                if (!r.uses(index)) {
                    return false;
                }
                if (r.instance != null) {
                    old.add(r.instance);
                }
                state.unlink(r);
                return true;
            });
            Route steer = p.steer;
            if (steer != null && steer.instance != null) {
                old.add(steer.instance);
            }
            neighbors.forgetStatic(name);
            state.ports.remove(name);
            if (p.io.mirror != null) {
                Mirrors.remove(p.io.mirror); // the mirror and its netdev go with the port
            }
            state.publish();
            if (p.io instanceof TapPort t) {
                t.destroy(); // a netdev kept in a namespace goes with the port
            } else {
                p.io.close();
            }
            registry.retire(old);
            // once no loop works on the old snapshot any more, nothing can queue on the port's neighbors
            registry.afterLoops(() -> state.engine.forget(index));
            registry.recreateAll();
            state.changed();
        }
    }

    @Override
    public void setUp(String name, boolean up) throws DataplaneException {
        synchronized (state.lock) {
            state.port(name).io.up(up);
            state.changed();
        }
    }

    @Override
    public void setMtu(String name, int mtu) throws DataplaneException {
        synchronized (state.lock) {
            if (mtu < 68 || mtu > IoRuntime.MAX_FRAME - Ethernet.LENGTH) {
                throw new DataplaneException("mtu " + mtu + " out of range; expected 68.."
                        + (IoRuntime.MAX_FRAME - 14));
            }
            IoPort io = state.port(name).io;
            io.mtu(mtu);
            Mirrors.linkSettings(io);
            state.changed();
        }
    }

    @Override
    public void setMac(String name, String mac) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(name);
            byte[] m;
            try {
                m = InetAddrs.parseMac(mac);
            } catch (IllegalArgumentException e) {
                throw new DataplaneException("bad MAC '" + mac + "'; expected xx:xx:xx:xx:xx:xx");
            }
            if ((m[0] & 1) != 0) {
                throw new DataplaneException("MAC " + mac + " is multicast; expected a unicast address");
            }
            p.io.mac(Ethernet.macToLong(m));
            p.macSet = true;
            Mirrors.linkSettings(p.io);
            state.changed();
        }
    }

    @Override
    public void setTable(String name, int table) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(name);
            if (table == 0 || table == Tables.LOCAL) {
                throw new DataplaneException("table " + Integer.toUnsignedString(table)
                        + " cannot take a port's input; expected a table from 1 to 4294967295 other than local (255)");
            }
            p.table = table;
            state.changed();
        }
    }

    private static PortInfo info(PortCfg p) {
        String netns = p.io instanceof TapPort t ? t.netns() : null;
        String ifname = p.io instanceof TapPort t && !t.ifname().equals(p.name()) ? t.ifname()
                : p.io instanceof PacketPort pp ? pp.dev() : null;
        String io = p.io instanceof PacketPort pp ? pp.rings() : null;
        int queues = p.io instanceof TapPort t ? t.queues() : p.queues;
        return new PortInfo(p.index(), p.name(), p.type, Prefixes.mac(p.io.mac()), p.io.mtu(), p.io.up(), queues,
                netns, ifname, p.table, io);
    }

    @Override
    public List<PortInfo> list() {
        synchronized (state.lock) {
            List<PortInfo> out = new ArrayList<>();
            for (PortCfg p : state.ports.values()) {
                out.add(info(p));
            }
            out.sort(Comparator.comparingInt(PortInfo::index));
            return out;
        }
    }

    @Override
    public PortInfo get(String name) {
        synchronized (state.lock) {
            PortCfg p = state.ports.get(name);
            return p == null ? null : info(p);
        }
    }

    @Override
    public PortCounters counters(String name) throws DataplaneException {
        synchronized (state.lock) {
            IoPort io = state.port(name).io;
            return new PortCounters(name, io.rxPackets.sum(), io.rxBytes.sum(), io.txPackets.sum(), io.txBytes.sum(),
                    io.rxDropped.sum(), io.txDropped.sum());
        }
    }

    @Override
    public void capture(String name, Path file, int count) throws DataplaneException {
        startCapture(name, file, count, null);
    }

    @Override
    public CaptureInfo startCapture(String name, Path file, long count, String filter) throws DataplaneException {
        if (file == null) {
            throw new DataplaneException("no file given");
        }
        Path abs = file.toAbsolutePath();
        Capture c;
        synchronized (state.lock) {
            PortCfg p = captureable(name, count);
            CaptureFilter f = filter(filter);
            if (Files.isDirectory(abs)) {
                throw new DataplaneException("cannot write " + abs + ": it is a directory");
            }
            OutputStream out;
            try {
                out = new FileOutputStream(abs.toFile());
            } catch (IOException e) {
                throw new DataplaneException("cannot write " + abs + ": " + reason(e));
            }
            try {
                c = new Capture(name, abs.toString(), f, count, out);
            } catch (IOException e) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the failure is reported
                }
                throw new DataplaneException("cannot write " + abs + ": " + reason(e));
            }
            attach(p, c);
        }
        Thread t = new Thread(c, "srv6-capture-" + name);
        t.setDaemon(true);
        t.start();
        return info(c);
    }

    @Override
    public CaptureInfo streamCapture(String name, OutputStream out, long count, String filter) throws DataplaneException {
        Capture c;
        synchronized (state.lock) {
            PortCfg p = captureable(name, count);
            CaptureFilter f = filter(filter);
            try {
                c = new Capture(name, "-", f, count, out);
            } catch (IOException e) {
                throw new DataplaneException("cannot write to the client: " + reason(e));
            }
            attach(p, c);
        }
        c.run();
        return info(c);
    }

    @Override
    public CaptureInfo stopCapture(String name) throws DataplaneException {
        Capture c;
        synchronized (state.lock) {
            c = state.port(name).io.capture();
            if (c == null) {
                throw new DataplaneException("no capture runs on " + name);
            }
            c.stop();
        }
        try {
            c.await(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return info(c);
    }

    @Override
    public List<CaptureInfo> captures() {
        List<CaptureInfo> out = new ArrayList<>();
        synchronized (state.lock) {
            for (PortCfg p : state.ports.values()) {
                Capture c = p.io.capture();
                if (c != null) {
                    out.add(info(c));
                }
            }
        }
        out.sort(Comparator.comparing(CaptureInfo::port));
        return out;
    }

    private PortCfg captureable(String name, long count) throws DataplaneException {
        PortCfg p = state.port(name);
        if (count < 0) {
            throw new DataplaneException("count " + count + " out of range; expected a positive number");
        }
        Capture running = p.io.capture();
        if (running != null) {
            throw new DataplaneException("a capture runs on " + name + " already (to " + running.file()
                    + "); srv6:capture stop " + name + " first");
        }
        return p;
    }

    /** Attaches {@code c} to the port; checked under the lock by {@link #captureable}, so this only fails if that is bypassed. */
    private static void attach(PortCfg p, Capture c) throws DataplaneException {
        if (!p.io.capture(c)) {
            c.stop();
            c.run(); // ends at once: closes its output
            throw new DataplaneException("a capture runs on " + c.port() + " already");
        }
    }

    private static CaptureFilter filter(String text) throws DataplaneException {
        try {
            return CaptureFilter.compile(text);
        } catch (IllegalArgumentException e) {
            throw new DataplaneException("bad filter: " + e.getMessage());
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException || String.valueOf(e.getMessage()).contains("Permission denied")) {
            return "permission denied";
        }
        if (e instanceof java.io.FileNotFoundException && String.valueOf(e.getMessage()).contains("No such file")) {
            return "no such directory";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static CaptureInfo info(Capture c) {
        return new CaptureInfo(c.port(), c.file(), c.written(), c.dropped(), c.count(), c.filter(), c.startMillis(),
                !c.ended());
    }

    /** {@code netns NS [name IFNAME]} of a TAP made in a namespace, else nothing. */
    private static String placement(PortCfg p) {
        if (p.io instanceof TapPort t && t.netns() != null) {
            return " netns " + t.netns() + (t.ifname().equals(p.name()) ? "" : " name " + t.ifname());
        }
        return "";
    }

    /** The running configuration's {@code ip link} lines: TAP and packet ports and what differs from their defaults. */
    void runningLines(Consumer<String> out) {
        for (PortCfg p : state.ports.values()) {
            if (!p.persistent()) {
                continue;
            }
            String n = p.name();
            if (p.io instanceof PacketPort pp) {
                out.accept("ip link add " + n + " type packet dev " + pp.dev());
                // the interface's own MAC is taken again at boot (it is the interface's); a MAC set here is kept
                if (p.macSet) {
                    out.accept("ip link set " + n + " address " + Prefixes.mac(p.io.mac()));
                }
            } else {
                // queues N as given; none when the port has the default (one per loop, 0 here)
                boolean queues = p.queues > 1 || p.queues == 1 && state.rt.loops() > 1;
                out.accept("ip link add " + n + " type tap" + (queues ? " queues " + p.queues : "") + placement(p));
                // always: the hosts' neighbor caches know this MAC, so it must be the same after a restart
                out.accept("ip link set " + n + " address " + Prefixes.mac(p.io.mac()));
            }
            if (p.io.mtu() != 1500) {
                out.accept("ip link set " + n + " mtu " + p.io.mtu());
            }
            if (!p.io.up()) {
                out.accept("ip link set " + n + " down");
            }
            if (p.table != Tables.MAIN) {
                out.accept("ip link set " + n + " vrf " + Integer.toUnsignedString(p.table));
            }
        }
    }
}
