package org.srv6.appliance.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.AddressInfo;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborInfo;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.config.ConfigStore;
import org.srv6.appliance.core.internal.engine.Engine;
import org.srv6.appliance.core.internal.engine.Neighbor;
import org.srv6.appliance.core.internal.engine.NeighborTable;
import org.srv6.appliance.core.internal.engine.PortState;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;
import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.MemoryPortImpl;
import org.srv6.appliance.core.internal.io.TapPort;
import org.srv6.appliance.core.internal.io.pcap.PcapWriter;

/**
 * The control plane: ports, addresses, routes, SIDs, neighbors, behaviors and the persisted
 * configuration. Every change runs under this object's lock, then publishes a new immutable
 * {@link Tables} snapshot to the engine and saves the running configuration.
 *
 * <p>Hot-swap contract (SPEC §5): a SID's configuration is kept as text in its route; a
 * behavior provider that arrives re-creates the instances from that text and a provider that
 * leaves makes them inactive (the engine drops their packets as {@code behavior-absent}).
 * Replaced instances are closed only after every event loop has run a task queued after the
 * swap, so no loop still runs them.
 */
public final class Dataplane implements PortService, RouteService, SrService, Counters, ConfigService, AutoCloseable {

    /** A behavior service as the core sees it. */
    public record Provider(String keyword, String kind, Behavior behavior, long serviceId, int ranking,
            long bundleId, String symbolicName, String version) {
    }

    private static final Pattern PORT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");
    private static final int ICMP_RATE = Integer.getInteger("srv6.icmp.rate", 100);

    private final IoRuntime rt;
    private final Engine engine;
    private final NeighborTable neighbors = new NeighborTable();
    private final ConfigStore store;
    private final ScheduledExecutorService timer;

    private final Map<String, PortCfg> ports = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, List<Provider>> providers = new TreeMap<>();
    private final Map<String, String> staticNeighbors = new LinkedHashMap<>();
    private final Map<Integer, BehaviorContext.HmacKey> hmacKeys = new TreeMap<>();
    private final Map<Integer, String> hmacSecrets = new TreeMap<>();
    private byte[] tunnelSource = new byte[16];
    private volatile boolean replaying;
    private boolean replayed;
    private boolean closed;

    /** A port and what is configured on it. */
    private static final class PortCfg {
        final IoPort io;
        final String type;
        final int queues;
        boolean macSet;
        final List<Addr> addrs = new ArrayList<>();
        int hmacPolicy;
        final PortState.RateLimiter icmp = new PortState.RateLimiter(ICMP_RATE);
        Route steer;

        PortCfg(IoPort io, String type, int queues) {
            this.io = io;
            this.type = type;
            this.queues = queues;
        }
    }

    private record Addr(int family, byte[] bytes, int len, String text) {
        long hi() {
            return Ipv6.hi(bytes);
        }

        long lo() {
            return Ipv6.lo(bytes);
        }

        int v4() {
            return toInt4(bytes);
        }
    }

    public Dataplane(Path configFile, int loops) {
        this.store = new ConfigStore(configFile);
        this.engine = new Engine(neighbors, emptyTables());
        this.rt = new IoRuntime(loops, engine);
        engine.runtime(rt);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "srv6-neighbors");
            t.setDaemon(true);
            return t;
        });
    }

    @SuppressWarnings("unchecked")
    private static Tables emptyTables() {
        return new Tables(new PortState[0], new int[0], new Fib6[0], new int[0], new Fib4[0]);
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        // loops first: frames still queued on them may park on neighbors until they stop
        rt.close();
        engine.discard(neighbors.removeIf(n -> true));
        for (Route r : routes) {
            closeQuietly(r.instance);
        }
        for (PortCfg p : ports.values()) {
            if (p.steer != null) {
                closeQuietly(p.steer.instance);
            }
        }
    }

    private static void closeQuietly(BehaviorInstance i) {
        if (i != null) {
            try {
                i.close();
            } catch (RuntimeException ignored) {
                // a behavior's close must not stop the others
            }
        }
    }

    /** {@link AddressService} view (its method names clash with {@link PortService}). */
    public AddressService addressService() {
        return new AddressService() {
            @Override
            public void add(String port, String cidr) throws DataplaneException {
                addAddress(port, cidr);
            }

            @Override
            public void delete(String port, String cidr) throws DataplaneException {
                deleteAddress(port, cidr);
            }

            @Override
            public List<AddressInfo> list() {
                return addresses();
            }
        };
    }

    /** {@link NeighborService} view. */
    public NeighborService neighborService() {
        return new NeighborService() {
            @Override
            public void add(String address, String mac, String port) throws DataplaneException {
                addNeighbor(address, mac, port);
            }

            @Override
            public void delete(String address, String port) throws DataplaneException {
                deleteNeighbor(address, port);
            }

            @Override
            public void flush(String port) throws DataplaneException {
                flushNeighbors(port);
            }

            @Override
            public List<NeighborInfo> list(int family) {
                return neighborList(family);
            }
        };
    }

    // ================================================================ ports

    private PortCfg port(String name) throws DataplaneException {
        PortCfg p = ports.get(name);
        if (p == null) {
            throw new DataplaneException("no such port " + name + "; ports: " + portNames());
        }
        return p;
    }

    private String portNames() {
        return ports.isEmpty() ? "none (ip link add NAME type tap)" : String.join(", ", ports.keySet());
    }

    private int nextIndex = 1;

    /** @return a new port index; like Linux ifindexes they start at 1 and are not reused */
    private int freeIndex() {
        return nextIndex++;
    }

    private void checkNewPort(String name) throws DataplaneException {
        if (name == null || !PORT_NAME.matcher(name).matches()) {
            throw new DataplaneException("bad port name '" + name + "'; expected 1-15 letters, digits, . _ - :");
        }
        if (ports.containsKey(name)) {
            throw new DataplaneException("port " + name + " exists");
        }
    }

    @Override
    public synchronized PortInfo addTap(String name, int queues) throws DataplaneException {
        checkNewPort(name);
        if (queues < 1 || queues > 16) {
            throw new DataplaneException("queues " + queues + " out of range; expected 1..16");
        }
        TapPort tap;
        try {
            tap = rt.openTap(freeIndex(), name, queues);
        } catch (IOException | RuntimeException e) {
            throw new DataplaneException("cannot create TAP device " + name + ": " + e.getMessage());
        }
        ports.put(name, new PortCfg(tap, "tap", queues));
        changed();
        return info(ports.get(name));
    }

    @Override
    public synchronized MemoryPort addMemory(String name) throws DataplaneException {
        checkNewPort(name);
        MemoryPortImpl m = rt.openMemory(freeIndex(), name);
        ports.put(name, new PortCfg(m, "memory", 1));
        changed();
        return m;
    }

    @Override
    public synchronized PortInfo addPcap(String name, Path in, Path out) throws DataplaneException {
        checkNewPort(name);
        int index = freeIndex();
        PortCfg cfg;
        try {
            cfg = new PortCfg(rt.openPcap(index, name, in, out), "pcap", 1);
        } catch (IOException | RuntimeException e) {
            throw new DataplaneException("cannot open pcap port " + name + ": " + e.getMessage());
        }
        ports.put(name, cfg);
        changed();
        return info(cfg);
    }

    /** {@code ip link del}: like Linux, the port's routes (SIDs included) and neighbors go with it. */
    @Override
    public synchronized void delete(String name) throws DataplaneException {
        PortCfg p = port(name);
        int index = p.io.index();
        List<BehaviorInstance> old = new ArrayList<>();
        routes.removeIf(r -> {
            if (r.port != index) {
                return false;
            }
            if (r.instance != null) {
                old.add(r.instance);
            }
            return true;
        });
        if (p.steer != null && p.steer.instance != null) {
            old.add(p.steer.instance);
        }
        staticNeighbors.keySet().removeIf(k -> k.endsWith(" dev " + name));
        ports.remove(name);
        publish();
        p.io.close();
        retire(old);
        // once no loop works on the old snapshot any more, nothing can queue on the port's neighbors
        afterLoops(() -> engine.forget(index));
        recreateAll();
        changed();
    }

    @Override
    public synchronized void setUp(String name, boolean up) throws DataplaneException {
        port(name).io.up(up);
        changed();
    }

    @Override
    public synchronized void setMtu(String name, int mtu) throws DataplaneException {
        if (mtu < 68 || mtu > IoRuntime.MAX_FRAME - Ethernet.LENGTH) {
            throw new DataplaneException("mtu " + mtu + " out of range; expected 68.." + (IoRuntime.MAX_FRAME - 14));
        }
        port(name).io.mtu(mtu);
        changed();
    }

    @Override
    public synchronized void setMac(String name, String mac) throws DataplaneException {
        PortCfg p = port(name);
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
        changed();
    }

    private static String mac(long m) {
        return InetAddrs.formatMac(Ethernet.longToMac(m), 0);
    }

    private static PortInfo info(PortCfg p) {
        return new PortInfo(p.io.index(), p.io.name(), p.type, mac(p.io.mac()), p.io.mtu(), p.io.up(), p.queues);
    }

    @Override
    public synchronized List<PortInfo> list() {
        List<PortInfo> out = new ArrayList<>();
        for (PortCfg p : ports.values()) {
            out.add(info(p));
        }
        out.sort(Comparator.comparingInt(PortInfo::index));
        return out;
    }

    @Override
    public synchronized PortInfo get(String name) {
        PortCfg p = ports.get(name);
        return p == null ? null : info(p);
    }

    @Override
    public synchronized PortCounters counters(String name) throws DataplaneException {
        IoPort io = port(name).io;
        return new PortCounters(name, io.rxPackets.sum(), io.rxBytes.sum(), io.txPackets.sum(), io.txBytes.sum(),
                io.rxDropped.sum(), io.txDropped.sum());
    }

    @Override
    public synchronized void capture(String name, Path file, int count) throws DataplaneException {
        PortCfg p = port(name);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            p.io.capture(new PcapWriter(file), count);
        } catch (IOException e) {
            throw new DataplaneException("cannot write " + file + ": " + e.getMessage());
        }
    }

    // ============================================================ addresses

    private static Addr parseCidr(String cidr, int defaultLen6, int defaultLen4) throws DataplaneException {
        if (cidr == null) {
            throw new DataplaneException("missing address; expected ADDRESS/LEN");
        }
        int slash = cidr.indexOf('/');
        String a = slash < 0 ? cidr : cidr.substring(0, slash);
        try {
            if (InetAddrs.is6(a)) {
                byte[] b = InetAddrs.parse6(a);
                int len = slash < 0 ? defaultLen6 : Integer.parseInt(cidr.substring(slash + 1));
                if (len < 0 || len > 128) {
                    throw new DataplaneException("prefix length " + len + " out of range; expected 0..128");
                }
                return new Addr(6, b, len, InetAddrs.format6(b) + "/" + len);
            }
            if (InetAddrs.is4(a)) {
                int v = InetAddrs.parse4(a);
                int len = slash < 0 ? defaultLen4 : Integer.parseInt(cidr.substring(slash + 1));
                if (len < 0 || len > 32) {
                    throw new DataplaneException("prefix length " + len + " out of range; expected 0..32");
                }
                byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
                return new Addr(4, b, len, InetAddrs.format4(v) + "/" + len);
            }
        } catch (NumberFormatException e) {
            throw new DataplaneException("bad prefix length in '" + cidr + "'; expected ADDRESS/LEN");
        } catch (IllegalArgumentException e) {
            // falls through to the message below
        }
        throw new DataplaneException("bad address '" + cidr + "'; expected an IPv6 or IPv4 address[/LEN]");
    }

    public synchronized void addAddress(String port, String cidr) throws DataplaneException {
        PortCfg p = port(port);
        Addr a = parseCidr(cidr, 128, 32);
        for (PortCfg q : ports.values()) {
            for (Addr x : q.addrs) {
                if (Arrays.equals(x.bytes, a.bytes)) {
                    throw new DataplaneException(a.text + " exists on " + q.io.name());
                }
            }
        }
        p.addrs.add(a);
        recreateAll();
        changed();
    }

    public synchronized void deleteAddress(String port, String cidr) throws DataplaneException {
        PortCfg p = port(port);
        Addr a = parseCidr(cidr, 128, 32);
        if (!p.addrs.removeIf(x -> Arrays.equals(x.bytes, a.bytes))) {
            throw new DataplaneException("no address " + a.text + " on " + port + "; addresses: "
                    + p.addrs.stream().map(Addr::text).toList());
        }
        recreateAll();
        changed();
    }

    public synchronized List<AddressInfo> addresses() {
        List<AddressInfo> out = new ArrayList<>();
        for (PortCfg p : ports.values()) {
            for (Addr a : p.addrs) {
                out.add(new AddressInfo(p.io.name(), a.family, a.text));
            }
            out.add(new AddressInfo(p.io.name(), 6, InetAddrs.format6(linkLocal(p.io.mac())) + "/64"));
        }
        return out;
    }

    /** The port's EUI-64 link-local address (fe80::/64) for {@code mac}. */
    private static byte[] linkLocal(long mac) {
        byte[] b = new byte[16];
        writeLong(b, 0, PortState.LINK_LOCAL_HI);
        writeLong(b, 8, PortState.linkLocalLo(mac));
        return b;
    }

    private static int toInt4(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static void writeLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    // =============================================================== routes

    private record Parsed(int family, byte[] addr, int len, long hi, long lo, int v4, String text) {
    }

    private static Parsed prefix(String text, int family) throws DataplaneException {
        String t = text == null || text.equals("default") ? (family == 4 ? "0.0.0.0/0" : "::/0") : text;
        Addr a = parseCidr(t, 128, 32);
        if (family != 0 && a.family != family) {
            throw new DataplaneException("prefix " + text + " is not IPv" + family + "; use ip -" + a.family + " route");
        }
        byte[] m = a.bytes.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, a.len - 8 * i));
            m[i] &= (byte) (0xff << (8 - keep));
        }
        if (a.family == 6) {
            String s = InetAddrs.format6(m) + (a.len == 128 ? "" : "/" + a.len);
            return new Parsed(6, m, a.len, Ipv6.hi(m), Ipv6.lo(m), 0, a.len == 0 ? "default" : s);
        }
        int v = toInt4(m);
        String s = InetAddrs.format4(v) + (a.len == 32 ? "" : "/" + a.len);
        return new Parsed(4, m, a.len, 0, 0, v, a.len == 0 ? "default" : s);
    }

    private static String tableName(int t) {
        return switch (t) {
            case Tables.MAIN -> "main";
            case Tables.LOCAL -> "local";
            default -> Integer.toString(t);
        };
    }

    private Provider active(String keyword) {
        List<Provider> l = providers.get(keyword);
        return l == null || l.isEmpty() ? null : l.get(0);
    }

    private String installed(String kind) {
        List<String> k = new ArrayList<>();
        for (Map.Entry<String, List<Provider>> e : providers.entrySet()) {
            if (!e.getValue().isEmpty() && e.getValue().get(0).kind().equals(kind)) {
                k.add(e.getKey());
            }
        }
        return k.isEmpty() ? "none" : String.join(", ", k);
    }

    /** Builds a route from what was typed; checks everything that can be checked now. */
    private Route build(RouteSpec spec, Route.SidCounters counters) throws DataplaneException {
        int family = spec.family() == 4 ? 4 : 6;
        Parsed pf = prefix(spec.prefix(), family);
        int table = spec.table() <= 0 ? Tables.MAIN : spec.table();
        if (table > 0xfffffff) {
            throw new DataplaneException("table " + table + " out of range; expected 1.." + 0xfffffff);
        }
        int metric = spec.metric() > 0 ? spec.metric() : (family == 6 ? 1024 : 0);
        int port = -1;
        if (spec.dev() != null) {
            port = port(spec.dev()).io.index();
        }
        boolean hasVia = spec.via() != null;
        long viaHi = 0;
        long viaLo = 0;
        int via4 = 0;
        if (hasVia) {
            if (spec.encap() != null) {
                throw new DataplaneException("via and encap together are not supported; put the next hop in the behavior (nh6/nh4)");
            }
            Addr v = parseCidr(spec.via(), 128, 32);
            if (v.family != family) {
                throw new DataplaneException("gateway " + spec.via() + " is not IPv" + family);
            }
            if (family == 6) {
                viaHi = v.hi();
                viaLo = v.lo();
            } else {
                via4 = v.v4();
            }
            if (port < 0) {
                Tables t = engine.tables();
                Route r = family == 6 ? t.lookup6(table, viaHi, viaLo) : t.lookup4(table, via4);
                if (r == null || r.kind != Route.UNICAST || r.hasVia) {
                    throw new DataplaneException("gateway " + spec.via() + " is not on a connected subnet; add an address on its subnet or give dev PORT");
                }
                port = r.port;
            }
        }
        int kind = Route.UNICAST;
        String keyword = spec.keyword();
        if (spec.encap() == null) {
            if (!hasVia && port < 0) {
                throw new DataplaneException("route " + pf.text + " needs via ADDRESS or dev PORT");
            }
        } else if (RouteSpec.SEG6LOCAL.equals(spec.encap())) {
            if (family != 6) {
                throw new DataplaneException("encap seg6local needs an IPv6 SID; use ip -6 route add SID encap seg6local ...");
            }
            kind = Route.SID;
        } else if (RouteSpec.SEG6.equals(spec.encap())) {
            kind = Route.STEER;
        } else {
            throw new DataplaneException("unknown encap " + spec.encap() + "; expected seg6 or seg6local");
        }
        if (keyword == null && kind != Route.UNICAST) {
            throw new DataplaneException(kind == Route.SID ? "missing action; expected encap seg6local action ACTION"
                    : "missing mode; expected encap seg6 mode MODE");
        }
        RouteSpec canonical = new RouteSpec(family, pf.text, spec.via(), spec.dev(), table, metric, spec.encap(),
                keyword, spec.params());
        Route r = new Route(canonical, kind, pf.hi, pf.lo, pf.v4, pf.len, hasVia, viaHi, viaLo, via4, port, metric,
                false, counters);
        if (r.hasBehavior()) {
            String kindName = kind == Route.SID ? "ENDPOINT" : "TRANSIT";
            Provider p = active(keyword);
            if (p == null || !p.kind().equals(kindName)) {
                if (!replaying) {
                    throw new DataplaneException(kind == Route.SID
                            ? "unknown behavior " + keyword + "; installed: " + installed("ENDPOINT")
                            : "unknown mode " + keyword + "; installed: " + installed("TRANSIT"));
                }
            } else {
                instantiate(r, p);
            }
        }
        return r;
    }

    /** Parses the route's stored text with {@code p} and creates its instance (not yet published). */
    private void instantiate(Route r, Provider p) throws DataplaneException {
        try {
            BehaviorConfig cfg = p.behavior().parse(new ArrayList<>(r.spec.params()));
            BehaviorInstance inst = p.behavior().create(cfg, context(r));
            r.config = cfg;
            r.instance = inst;
        } catch (BehaviorException e) {
            throw new DataplaneException(e.getMessage());
        } catch (RuntimeException e) {
            throw new DataplaneException(r.spec.keyword() + " failed: " + e);
        }
    }

    private BehaviorContext context(Route r) {
        byte[] prefix = new byte[r.family == 6 ? 16 : 4];
        if (r.family == 6) {
            writeLong(prefix, 0, r.hi);
            writeLong(prefix, 8, r.lo);
        } else {
            prefix[0] = (byte) (r.addr4 >>> 24);
            prefix[1] = (byte) (r.addr4 >>> 16);
            prefix[2] = (byte) (r.addr4 >>> 8);
            prefix[3] = (byte) r.addr4;
        }
        Map<String, Integer> names = new HashMap<>();
        Map<Integer, byte[]> sources = new HashMap<>();
        for (PortCfg p : ports.values()) {
            names.put(p.io.name(), p.io.index());
            for (Addr a : p.addrs) {
                if (a.family == 6 && (a.bytes[0] & 0xff) != 0xfe) {
                    sources.putIfAbsent(p.io.index(), a.bytes.clone());
                }
            }
        }
        byte[] tunsrc = tunnelSource.clone();
        Map<Integer, BehaviorContext.HmacKey> keys = new HashMap<>(hmacKeys);
        int table = r.spec.table();
        int dev = r.port;
        return new BehaviorContext() {
            @Override
            public byte[] prefix() {
                return prefix.clone();
            }

            @Override
            public int prefixLength() {
                return r.len;
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
        };
    }

    private Route find(RouteSpec spec, boolean matchMetric) throws DataplaneException {
        int family = spec.family() == 4 ? 4 : 6;
        Parsed pf = prefix(spec.prefix(), family);
        int table = spec.table() <= 0 ? Tables.MAIN : spec.table();
        for (Route r : routes) {
            if (r.family == family && r.len == pf.len && r.hi == pf.hi && r.lo == pf.lo && r.addr4 == pf.v4
                    && r.spec.table() == table
                    && (!matchMetric || spec.metric() == 0 || r.metric == spec.metric())) {
                return r;
            }
        }
        return null;
    }

    @Override
    public synchronized void add(RouteSpec spec) throws DataplaneException {
        Route r = build(spec, null);
        Route same = find(r.spec, true);
        if (same != null && same.metric == r.metric) {
            closeQuietly(r.instance);
            throw new DataplaneException(r.spec.prefix() + " exists in table " + tableName(r.spec.table())
                    + " with metric " + r.metric + "; use ip route replace");
        }
        routes.add(r);
        changed();
    }

    @Override
    public synchronized void replace(RouteSpec spec) throws DataplaneException {
        Route old = find(new RouteSpec(spec.family(), spec.prefix(), null, null, spec.table(), 0, null, null, null),
                false);
        Route r = build(spec, old == null ? null : old.counters);
        if (old != null) {
            routes.set(routes.indexOf(old), r);
        } else {
            routes.add(r);
        }
        changed();
        if (old != null) {
            retire(old.instance);
        }
    }

    @Override
    public synchronized void delete(RouteSpec spec) throws DataplaneException {
        Route r = find(spec, true);
        if (r == null) {
            throw new DataplaneException("no route " + prefix(spec.prefix(), spec.family()).text + " in table "
                    + tableName(spec.table() <= 0 ? Tables.MAIN : spec.table()));
        }
        routes.remove(r);
        changed();
        retire(r.instance);
    }

    @Override
    public synchronized List<RouteInfo> list(int family, int table) {
        List<RouteInfo> out = new ArrayList<>();
        List<Route> all = new ArrayList<>(systemRoutes());
        all.addAll(routes);
        for (Route r : all) {
            if (r.family != family || (table != ALL_TABLES && r.spec.table() != table)) {
                continue;
            }
            if (table == Tables.MAIN && r.spec.table() != Tables.MAIN) {
                continue;
            }
            out.add(new RouteInfo(r.spec, text(r, table == ALL_TABLES || r.spec.table() != Tables.MAIN),
                    !r.hasBehavior() || r.instance != null, r.counters.packets.sum(), r.counters.bytes.sum(),
                    r.counters.errors.sum()));
        }
        return out;
    }

    /** The iproute2-shaped line for a route, pasteable after {@code ip -6 route add}. */
    private String text(Route r, boolean withTable) {
        StringBuilder sb = new StringBuilder();
        if (r.kind == Route.LOCAL) {
            sb.append("local ");
        }
        sb.append(r.spec.prefix());
        if (r.spec.via() != null) {
            sb.append(" via ").append(r.spec.via());
        }
        if (r.hasBehavior()) {
            sb.append(r.kind == Route.SID ? " encap seg6local action " : " encap seg6 mode ").append(r.spec.keyword());
            String params = params(r);
            if (params != null && !params.isEmpty()) {
                sb.append(' ').append(params);
            }
        }
        PortCfg dev = portByIndex(r.port);
        if (dev != null) {
            sb.append(" dev ").append(dev.io.name());
        }
        if (withTable && r.spec.table() != Tables.MAIN) {
            sb.append(" table ").append(tableName(r.spec.table()));
        }
        if (r.system) {
            sb.append(" proto kernel");
            if (r.family == 4 && r.kind == Route.UNICAST) {
                sb.append(" scope link");
                PortCfg p = portByIndex(r.port);
                if (p != null) {
                    p.addrs.stream().filter(a -> a.family == 4).findFirst()
                            .ifPresent(a -> sb.append(" src ").append(a.text, 0, a.text.indexOf('/')));
                }
            }
        }
        if (r.family == 6 || r.metric != 0) {
            sb.append(" metric ").append(r.metric);
        }
        return sb.toString();
    }

    /** The canonical parameter text once the behavior has parsed it, else the text as stored. */
    private static String params(Route r) {
        BehaviorConfig c = r.config;
        return c != null ? c.text() : String.join(" ", r.spec.params());
    }

    private PortCfg portByIndex(int index) {
        for (PortCfg p : ports.values()) {
            if (p.io.index() == index) {
                return p;
            }
        }
        return null;
    }

    /** Local and connected routes that addresses make, as Linux adds them. */
    private List<Route> systemRoutes() {
        List<Route> out = new ArrayList<>();
        for (PortCfg p : ports.values()) {
            int idx = p.io.index();
            for (Addr a : p.addrs) {
                Parsed host;
                Parsed net;
                try {
                    host = prefix(a.text.substring(0, a.text.indexOf('/')), a.family);
                    net = prefix(a.text, a.family);
                } catch (DataplaneException e) {
                    continue;
                }
                out.add(system(a.family, host, Tables.LOCAL, Route.LOCAL, idx, 0));
                if (a.len < (a.family == 6 ? 128 : 32)) {
                    out.add(system(a.family, net, Tables.MAIN, Route.UNICAST, idx, a.family == 6 ? 256 : 0));
                }
            }
            byte[] b = linkLocal(p.io.mac());
            out.add(system(6, new Parsed(6, b, 128, PortState.LINK_LOCAL_HI, Ipv6.lo(b), 0, InetAddrs.format6(b)),
                    Tables.LOCAL, Route.LOCAL, idx, 0));
        }
        return out;
    }

    private static Route system(int family, Parsed p, int table, int kind, int port, int metric) {
        RouteSpec spec = new RouteSpec(family, p.text, null, null, table, metric, null, null, null);
        return new Route(spec, kind, p.hi, p.lo, p.v4, p.len, false, 0, 0, 0, port, metric, true, null);
    }

    // ============================================================ neighbors

    public synchronized void addNeighbor(String address, String mac, String port) throws DataplaneException {
        PortCfg p = port(port);
        Addr a = parseCidr(address, 128, 32);
        long m;
        try {
            m = Ethernet.macToLong(InetAddrs.parseMac(mac));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DataplaneException("bad lladdr '" + mac + "'; expected xx:xx:xx:xx:xx:xx");
        }
        long hi = a.family == 6 ? a.hi() : Neighbor.V4;
        long lo = a.family == 6 ? a.lo() : a.v4() & 0xffff_ffffL;
        engine.setStatic(p.io.index(), hi, lo, m);
        String addrText = a.text.substring(0, a.text.indexOf('/'));
        staticNeighbors.put(addrText + " dev " + port, "ip -" + a.family + " neigh add " + addrText + " lladdr "
                + mac(m) + " dev " + port);
        changed();
    }

    public synchronized void deleteNeighbor(String address, String port) throws DataplaneException {
        PortCfg p = port(port);
        Addr a = parseCidr(address, 128, 32);
        long hi = a.family == 6 ? a.hi() : Neighbor.V4;
        long lo = a.family == 6 ? a.lo() : a.v4() & 0xffff_ffffL;
        int idx = p.io.index();
        List<Neighbor> gone = neighbors.removeIf(n -> n.port == idx && n.hi == hi && n.lo == lo);
        if (gone.isEmpty()) {
            throw new DataplaneException("no neighbor " + address + " on " + port);
        }
        engine.discard(gone);
        staticNeighbors.remove(a.text.substring(0, a.text.indexOf('/')) + " dev " + port);
        changed();
    }

    public synchronized void flushNeighbors(String port) throws DataplaneException {
        int idx = port == null ? -1 : port(port).io.index();
        engine.discard(neighbors.removeIf(n -> (idx < 0 || n.port == idx) && n.state != Neighbor.PERMANENT));
    }

    public synchronized List<NeighborInfo> neighborList(int family) {
        List<NeighborInfo> out = new ArrayList<>();
        for (Neighbor n : neighbors.all()) {
            if ((family == 4 && !n.isV4()) || (family == 6 && n.isV4())) {
                continue;
            }
            PortCfg p = portByIndex(n.port);
            String addr;
            if (n.isV4()) {
                addr = InetAddrs.format4((int) n.lo);
            } else {
                byte[] b = new byte[16];
                writeLong(b, 0, n.hi);
                writeLong(b, 8, n.lo);
                addr = InetAddrs.format6(b);
            }
            long m = n.mac;
            out.add(new NeighborInfo(addr, p == null ? "?" : p.io.name(), m < 0 ? null : mac(m), n.stateName()));
        }
        out.sort(Comparator.comparing(NeighborInfo::port).thenComparing(NeighborInfo::address));
        return out;
    }

    // =================================================================== SR

    @Override
    public synchronized List<BehaviorInfo> behaviors() {
        List<BehaviorInfo> out = new ArrayList<>();
        for (Map.Entry<String, List<Provider>> e : providers.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Provider p = e.getValue().get(0);
            List<String> sids = new ArrayList<>();
            for (Route r : routes) {
                if (r.hasBehavior() && e.getKey().equals(r.spec.keyword())) {
                    sids.add(r.spec.prefix());
                }
            }
            String syntax;
            String definition;
            try {
                syntax = p.behavior().descriptor().syntax();
                definition = p.behavior().descriptor().definition();
            } catch (RuntimeException ex) {
                syntax = "?";
                definition = "?";
            }
            out.add(new BehaviorInfo(p.keyword(), p.kind(), p.bundleId(), p.symbolicName(), p.version(), syntax,
                    definition, sids));
        }
        return out;
    }

    @Override
    public synchronized List<SidInfo> sids() {
        List<SidInfo> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.kind != Route.SID) {
                continue;
            }
            String params = params(r);
            out.add(new SidInfo(r.spec.prefix(), r.spec.table(), r.spec.keyword(), params, r.instance != null,
                    r.counters.packets.sum(), r.counters.bytes.sum(), r.counters.errors.sum()));
        }
        return out;
    }

    @Override
    public synchronized void setTunnelSource(String address) throws DataplaneException {
        byte[] a;
        try {
            a = InetAddrs.parse6(address);
        } catch (IllegalArgumentException e) {
            throw new DataplaneException("bad tunnel source '" + address + "'; expected an IPv6 address");
        }
        tunnelSource = a;
        recreateAll();
        changed();
    }

    @Override
    public synchronized String tunnelSource() {
        return InetAddrs.format6(tunnelSource);
    }

    @Override
    public synchronized void setHmacKey(int keyId, String algorithm, String secret) throws DataplaneException {
        if (keyId < 1) {
            throw new DataplaneException("HMAC key id " + keyId + " out of range; expected 1..4294967295");
        }
        String algo = algorithm == null ? "" : algorithm.toLowerCase(Locale.ROOT);
        if (secret == null || secret.isEmpty()) {
            if (hmacKeys.remove(keyId) == null) {
                throw new DataplaneException("no HMAC key " + keyId);
            }
            hmacSecrets.remove(keyId);
        } else {
            if (!algo.equals("sha1") && !algo.equals("sha256")) {
                throw new DataplaneException("unknown HMAC algorithm " + algorithm + "; expected sha1 or sha256");
            }
            hmacKeys.put(keyId, new BehaviorContext.HmacKey(keyId, algo,
                    secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            hmacSecrets.put(keyId, secret);
        }
        recreateAll();
        changed();
    }

    @Override
    public synchronized Map<Integer, String> hmacKeys() {
        Map<Integer, String> out = new TreeMap<>();
        hmacKeys.forEach((k, v) -> out.put(k, v.algorithm()));
        return out;
    }

    @Override
    public synchronized void setHmacPolicy(String port, int policy) throws DataplaneException {
        if (policy < -1 || policy > 1) {
            throw new DataplaneException("HMAC policy " + policy + " out of range; expected -1, 0 or 1");
        }
        port(port).hmacPolicy = policy;
        changed();
    }

    @Override
    public synchronized void addSteer(String port, String mode, List<String> params) throws DataplaneException {
        PortCfg p = port(port);
        if (p.steer != null) {
            throw new DataplaneException("port " + port + " is already steered; ip sr steer del iif " + port + " first");
        }
        Provider pr = active(mode);
        if (pr == null || !pr.kind().equals("TRANSIT")) {
            throw new DataplaneException("unknown mode " + mode + "; installed: " + installed("TRANSIT"));
        }
        RouteSpec spec = new RouteSpec(6, "::/0", null, port, Tables.MAIN, 0, RouteSpec.SEG6, mode, params);
        Route r = new Route(spec, Route.STEER, 0, 0, 0, 0, false, 0, 0, 0, p.io.index(), 0, false, null);
        instantiate(r, pr);
        p.steer = r;
        changed();
    }

    @Override
    public synchronized void deleteSteer(String port) throws DataplaneException {
        PortCfg p = port(port);
        if (p.steer == null) {
            throw new DataplaneException("port " + port + " is not steered");
        }
        Route old = p.steer;
        p.steer = null;
        changed();
        retire(old.instance);
    }

    @Override
    public synchronized List<String> steers() {
        List<String> out = new ArrayList<>();
        for (PortCfg p : ports.values()) {
            if (p.steer != null) {
                Route r = p.steer;
                String params = params(r);
                out.add("iif " + p.io.name() + " mode " + r.spec.keyword() + (params.isEmpty() ? "" : " " + params));
            }
        }
        return out;
    }

    // ========================================================= behaviors

    /** A behavior service arrived: it serves its keyword when it ranks first (newest wins a tie). */
    public synchronized void addProvider(Provider p) {
        List<Provider> l = providers.computeIfAbsent(p.keyword(), k -> new ArrayList<>());
        Provider before = l.isEmpty() ? null : l.get(0);
        l.add(p);
        l.sort(Comparator.comparingInt(Provider::ranking).reversed()
                .thenComparing(Comparator.comparingLong(Provider::serviceId).reversed()));
        if (l.get(0) != before) {
            rebind(p.keyword());
        }
    }

    /** A behavior service left: its SIDs move to another provider of the keyword or become inactive. */
    public synchronized void removeProvider(long serviceId) {
        removeProvider(serviceId, false);
    }

    /**
     * Like {@link #removeProvider(long)}; with {@code updating} (the bundle is being updated and
     * will register again) the instances keep running until the new provider takes over, so that
     * an update swaps make-before-break. Should it not come back in time, the SIDs go inactive.
     */
    public synchronized void removeProvider(long serviceId, boolean updating) {
        for (Map.Entry<String, List<Provider>> e : providers.entrySet()) {
            List<Provider> l = e.getValue();
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i).serviceId() == serviceId) {
                    l.remove(i);
                    if (i == 0) {
                        if (updating && l.isEmpty()) {
                            String keyword = e.getKey();
                            timer.schedule(() -> expireUpdate(keyword), UPDATE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                        } else {
                            rebind(e.getKey());
                        }
                    }
                    return;
                }
            }
        }
    }

    private static final long UPDATE_GRACE_MILLIS = 10_000;

    private synchronized void expireUpdate(String keyword) {
        if (active(keyword) == null) {
            rebind(keyword);
        }
    }

    /** Re-creates (make before break) or deactivates every route of a keyword. */
    private void rebind(String keyword) {
        if (closed) {
            return;
        }
        Provider p = active(keyword);
        List<BehaviorInstance> old = new ArrayList<>();
        for (Route r : behaviorRoutes()) {
            if (keyword.equals(r.spec.keyword())) {
                renew(r, p, old);
            }
        }
        publish(); // the ports some instances claim may have changed
        retire(old);
    }

    private List<Route> behaviorRoutes() {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.hasBehavior()) {
                out.add(r);
            }
        }
        for (PortCfg p : ports.values()) {
            if (p.steer != null) {
                out.add(p.steer);
            }
        }
        return out;
    }

    /**
     * Re-creates every instance after a change of what they precompute from (sources, ports,
     * keys). The callers publish the new snapshot with the change itself.
     */
    private void recreateAll() {
        List<BehaviorInstance> old = new ArrayList<>();
        for (Route r : behaviorRoutes()) {
            Provider p = active(r.spec.keyword());
            if (p != null) {
                renew(r, p, old);
            }
        }
        retire(old);
    }

    /**
     * Gives {@code r} a new instance made by {@code p}, or none when {@code p} is absent or of the
     * other kind; the instance it had goes to {@code old}.
     */
    private void renew(Route r, Provider p, List<BehaviorInstance> old) {
        BehaviorInstance before = r.instance;
        String kindName = r.kind == Route.SID ? "ENDPOINT" : "TRANSIT";
        if (p != null && p.kind().equals(kindName)) {
            try {
                instantiate(r, p);
            } catch (DataplaneException e) {
                System.err.println("srv6: " + r.spec.prefix() + " stays inactive: " + e.getMessage());
                r.instance = null;
            }
        } else {
            r.instance = null;
        }
        if (before != null) {
            old.add(before);
        }
    }

    /** {@link #retire(List)} of one instance; a route without one (inactive) has nothing to close. */
    private void retire(BehaviorInstance old) {
        if (old != null) {
            retire(List.of(old));
        }
    }

    /** Closes instances once every loop has finished the work it had when they were replaced. */
    private void retire(List<BehaviorInstance> old) {
        if (old.isEmpty()) {
            return;
        }
        afterLoops(() -> old.forEach(Dataplane::closeQuietly));
    }

    /** Runs {@code task} once every event loop has finished what it was doing now. */
    private void afterLoops(Runnable task) {
        int n = rt.loops();
        AtomicInteger left = new AtomicInteger(n);
        Runnable done = () -> {
            if (left.decrementAndGet() == 0) {
                task.run();
            }
        };
        for (int i = 0; i < n; i++) {
            try {
                rt.execute(i, done);
            } catch (RuntimeException e) {
                done.run(); // the loop is gone: nothing runs there any more
            }
        }
    }

    // ============================================================ snapshot

    private void changed() {
        publish();
        persist();
    }

    @SuppressWarnings("unchecked")
    private void publish() {
        int max = -1;
        for (PortCfg p : ports.values()) {
            max = Math.max(max, p.io.index());
        }
        PortState[] ps = new PortState[max + 1];
        Map<Integer, Route> claims = new HashMap<>();
        for (Route r : routes) {
            BehaviorInstance inst = r.instance;
            if (r.kind == Route.SID && inst != null) {
                int claimed;
                try {
                    claimed = inst.returnPort();
                } catch (RuntimeException e) {
                    claimed = -1;
                }
                if (claimed >= 0) {
                    claims.putIfAbsent(claimed, r);
                }
            }
        }
        for (PortCfg p : ports.values()) {
            List<Addr> v6 = p.addrs.stream().filter(a -> a.family == 6).toList();
            List<Addr> v4 = p.addrs.stream().filter(a -> a.family == 4).toList();
            long[] hi = new long[v6.size()];
            long[] lo = new long[v6.size()];
            int[] len6 = new int[v6.size()];
            for (int i = 0; i < hi.length; i++) {
                hi[i] = v6.get(i).hi();
                lo[i] = v6.get(i).lo();
                len6[i] = v6.get(i).len;
            }
            int[] a4 = new int[v4.size()];
            int[] l4 = new int[v4.size()];
            for (int i = 0; i < a4.length; i++) {
                a4[i] = v4.get(i).v4();
                l4[i] = v4.get(i).len;
            }
            long mac = p.io.mac();
            ps[p.io.index()] = new PortState(p.io, hi, lo, len6, PortState.LINK_LOCAL_HI, PortState.linkLocalLo(mac),
                    a4, l4, Tables.MAIN, p.steer, p.hmacPolicy, p.icmp, claims.get(p.io.index()));
        }
        Map<Integer, Fib6<Route>> f6 = new TreeMap<>();
        Map<Integer, Fib4<Route>> f4 = new TreeMap<>();
        List<Route> all = new ArrayList<>(systemRoutes());
        all.addAll(routes);
        for (Route r : all) {
            int table = r.spec.table();
            if (r.family == 6) {
                Fib6<Route> f = f6.computeIfAbsent(table, k -> new Fib6<>());
                Route cur = f.get(r.hi, r.lo, r.len);
                if (cur == null || r.metric < cur.metric) {
                    f.add(r.hi, r.lo, r.len, r);
                }
            } else {
                Fib4<Route> f = f4.computeIfAbsent(table, k -> new Fib4<>());
                Route cur = f.get(r.addr4, r.len);
                if (cur == null || r.metric < cur.metric) {
                    f.add(r.addr4, r.len, r);
                }
            }
        }
        int[] ids6 = f6.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[] ids4 = f4.keySet().stream().mapToInt(Integer::intValue).toArray();
        engine.publish(new Tables(ps, ids6, f6.values().toArray(new Fib6[0]), ids4, f4.values().toArray(new Fib4[0])));
    }

    private void persist() {
        if (replaying || closed) {
            return;
        }
        try {
            store.write(running());
        } catch (IOException e) {
            System.err.println("srv6: cannot save " + store.file() + ": " + e.getMessage());
        }
    }

    // ============================================================= counters

    @Override
    public Map<String, Long> drops() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE) {
                out.put(r.label(), engine.drops(r));
            }
        }
        return out;
    }

    @Override
    public long rxPackets() {
        return engine.rxPackets();
    }

    @Override
    public long buffersHeld() {
        return engine.buffersHeld();
    }

    // =============================================================== config

    @Override
    public synchronized List<String> running() {
        List<String> out = new ArrayList<>();
        for (PortCfg p : ports.values()) {
            if (!p.type.equals("tap")) {
                continue;
            }
            out.add("ip link add " + p.io.name() + " type tap" + (p.queues > 1 ? " queues " + p.queues : ""));
            if (p.macSet) {
                out.add("ip link set " + p.io.name() + " address " + mac(p.io.mac()));
            }
            if (p.io.mtu() != 1500) {
                out.add("ip link set " + p.io.name() + " mtu " + p.io.mtu());
            }
            if (!p.io.up()) {
                out.add("ip link set " + p.io.name() + " down");
            }
        }
        for (PortCfg p : ports.values()) {
            if (!p.type.equals("tap")) {
                continue;
            }
            for (Addr a : p.addrs) {
                out.add("ip -" + a.family + " addr add " + a.text + " dev " + p.io.name());
            }
        }
        for (Map.Entry<String, String> e : staticNeighbors.entrySet()) {
            String port = e.getKey().substring(e.getKey().indexOf(" dev ") + 5);
            PortCfg p = ports.get(port);
            if (p != null && p.type.equals("tap")) {
                out.add(e.getValue());
            }
        }
        if (!Arrays.equals(tunnelSource, new byte[16])) {
            out.add("ip sr tunsrc set " + InetAddrs.format6(tunnelSource));
        }
        hmacKeys.forEach((k, v) -> out.add("ip sr hmac set " + k + " " + v.algorithm() + " " + hmacSecrets.get(k)));
        for (PortCfg p : ports.values()) {
            if (p.type.equals("tap") && p.hmacPolicy != 0) {
                out.add("ip sr hmac policy " + p.io.name() + " " + p.hmacPolicy);
            }
        }
        for (int pass = 0; pass < 3; pass++) {
            for (Route r : routes) {
                int order = r.kind == Route.SID ? 1 : r.kind == Route.STEER ? 2 : 0;
                if (order != pass) {
                    continue;
                }
                PortCfg dev = portByIndex(r.port);
                if (dev != null && !dev.type.equals("tap")) {
                    continue;
                }
                out.add("ip -" + r.family + " route add " + text(r, true));
            }
        }
        for (PortCfg p : ports.values()) {
            if (p.type.equals("tap") && p.steer != null) {
                Route r = p.steer;
                out.add("ip sr steer add iif " + p.io.name() + " mode " + r.spec.keyword()
                        + (r.spec.params().isEmpty() ? "" : " " + String.join(" ", r.spec.params())));
            }
        }
        return out;
    }

    @Override
    public void save(Path file) throws DataplaneException {
        try {
            ConfigStore.write(file, running());
        } catch (IOException e) {
            throw new DataplaneException("cannot save " + file + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> read(Path file) throws DataplaneException {
        try {
            return ConfigStore.read(file);
        } catch (IOException e) {
            throw new DataplaneException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Override
    public Path file() {
        return store.file();
    }

    @Override
    public boolean replayOnce(LineExecutor executor) {
        List<String> lines;
        synchronized (this) {
            if (replayed) {
                return false;
            }
            replayed = true;
            try {
                lines = Files.exists(store.file()) ? store.read() : List.of();
            } catch (IOException e) {
                System.err.println("srv6: cannot read " + store.file() + ": " + e.getMessage());
                return true;
            }
            replaying = true;
        }
        try {
            for (String line : lines) {
                try {
                    executor.execute(line);
                } catch (RuntimeException e) {
                    System.err.println("srv6: " + store.file() + ": " + line + ": " + e.getMessage());
                }
            }
        } finally {
            synchronized (this) {
                replaying = false;
            }
        }
        return true;
    }

    @Override
    public boolean replaying() {
        return replaying;
    }
}
